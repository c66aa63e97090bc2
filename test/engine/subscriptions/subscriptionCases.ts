import type { EventStore } from '../../../src/ports/eventStore';
import type { Engine } from '../../../src/engine/engine';
import { engineOn } from '../../support/engine';
import { manualClock } from '../../../src/engine/clock';
import {
  getSubscriptions,
  SubscriptionSettings,
} from '../../../src/engine/subscriptions/subscriptionMethods';
import type { StatusChangeItem } from '../../../src/engine/subscriptions/subscriptionItem';
import { puller, summary, changes, allChanges } from '../../support/subscriptions';
import { writeSubscriptionScenario, scenarioChanges } from '../../support/subscriptionScenario';
import { handBuiltEvents, change, HandEvent } from '../../support/handBuilt';

/** A fresh, empty store for one test, and how to dispose of it. */
export type OpenStore = () => Promise<EventStore>;

const countingSubscriptions = (store: EventStore) => {
  const counter = { opened: 0 };
  const wrapped: EventStore = {
    appendToStream: (stream, events, options) => store.appendToStream(stream, events, options),
    readStream: (stream, options) => store.readStream(stream, options),
    readAll: (options) => store.readAll(options),
    subscribeToAll: (options) => {
      counter.opened++;
      return store.subscribeToAll(options);
    },
    close: () => store.close(),
  };
  return { store: wrapped, counter };
};

/** A task that goes created → queued → created … `changes` times, written as one append. */
export const togglingTask = (id: string, changeCount: number) => {
  const events: HandEvent[] = [{ atSecond: 0, type: 'TaskCreated', data: { id, name: id, type: 'testing' } }];
  for (let i = 1; i <= changeCount; i++) {
    events.push(
      i % 2 === 1
        ? { atSecond: i, type: 'TaskEnqueued', data: { ...change('created', 'queued'), queue: 'q' } }
        : { atSecond: i, type: 'TaskDequeued', data: change('queued', 'created') },
    );
  }
  return handBuiltEvents(id, events);
};

const nextTicks = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

/** The subscription behaviour every store must give: run by the memory, SQLite and PostgreSQL suites. */
export const describeSubscriptions = (label: string, openStore: OpenStore) => {
  describe(`subscriptions on ${label}`, () => {
    const engines: Engine[] = [];
    const open = async (settings: SubscriptionSettings = {}, store?: EventStore) => {
      const engine = engineOn(store ?? (await openStore()), {
        clock: manualClock(),
        actor: 'alice',
        subscriptions: settings,
      });
      engines.push(engine);
      return engine;
    };
    afterEach(async () => {
      await Promise.all(engines.splice(0).map((e) => e.close()));
    });

    it('catches up, says so, then follows live', async () => {
      const engine = await open();
      await writeSubscriptionScenario(engine);
      const sub = puller(engine.subscribe());
      const { items, caughtUp } = await sub.untilCaughtUp();
      expect(items.map(summary)).toEqual(scenarioChanges);
      expect(caughtUp.position).toBeGreaterThanOrEqual(items[items.length - 1]?.position ?? 0n);
      const live = sub.next();
      const result = await engine.enqueue({ id: 'child' }, { reason: 'retry' });
      expect(await live).toMatchObject({
        kind: 'change',
        taskId: 'child',
        from: 'created',
        to: 'queued',
        position: result.position,
        actor: 'alice',
        reason: 'retry',
      });
      await sub.close();
    });

    it('resumes from a stored position with exactly the changes after it', async () => {
      const engine = await open();
      await writeSubscriptionScenario(engine);
      const first = puller(engine.subscribe({ from: 'start' }));
      const seen = await first.take(5);
      await first.close();
      const stored = seen[4]?.position ?? 0n;
      const resumed = await puller(engine.subscribe({ from: { after: stored } })).untilCaughtUp();
      expect(resumed.items.map(summary)).toEqual(scenarioChanges.slice(5));
      // A position kept as a number or string (JSON) resumes the same way.
      const fromString = await puller(
        engine.subscribe({ from: { after: stored.toString() } }),
      ).untilCaughtUp();
      expect(fromString.items.map((i) => i.position)).toEqual(resumed.items.map((i) => i.position));
    });

    it('from the end gives only what happens after it', async () => {
      const engine = await open();
      await writeSubscriptionScenario(engine);
      const sub = puller(engine.subscribe({ from: 'end' }));
      expect(await sub.next()).toMatchObject({ kind: 'caughtUp' });
      const live = sub.next();
      await engine.enqueue({ id: 'child' });
      expect(summary(await live)).toBe('child created>queued TaskEnqueued');
      await sub.close();
    });

    it("with events: 'all' delivers every task event, with its metadata", async () => {
      const engine = await open();
      await writeSubscriptionScenario(engine);
      const { items } = await puller(engine.subscribe({ events: 'all' })).untilCaughtUp();
      expect(items).toHaveLength(
        (
          await Promise.all(['root', 'child', 'grandchild', 'other', 'loner'].map((id) => engine.history(id)))
        ).flat().length,
      );
      expect(items[0]).toMatchObject({
        kind: 'event',
        taskId: 'root',
        type: 'TaskCreated',
        revision: 0n,
        metadata: { actor: 'alice' },
      });
      expect(items.map(summary)).toContain('child MetricsReported');
    });

    it('filters select exactly the matching changes', async () => {
      const engine = await open();
      await writeSubscriptionScenario(engine);
      const everything = await allChanges(engine);
      const select = async (filter: Parameters<Engine['subscribe']>[0]) =>
        changes((await puller(engine.subscribe(filter)).untilCaughtUp()).items).map(summary);
      const oracle = (keep: (c: StatusChangeItem) => boolean) => everything.filter(keep).map(summary);

      expect(await select({ filter: { to: ['in_progress'] } })).toEqual(
        oracle((c) => c.to === 'in_progress'),
      );
      expect(await select({ filter: { from: ['in_progress'], to: ['failed', 'stopped'] } })).toEqual(
        oracle((c) => c.from === 'in_progress' && (c.to === 'failed' || c.to === 'stopped')),
      );
      expect(await select({ filter: { to: ['deleted'] } })).toEqual([
        'grandchild created>deleted TaskDeleted',
      ]);
      expect(await select({ filter: { types: ['TaskReset', 'TaskArchived'] } })).toEqual(
        oracle((c) => c.event === 'TaskReset' || c.event === 'TaskArchived'),
      );
      const etl = ['root', 'child'];
      expect(await select({ filter: { projects: ['etl'] } })).toEqual(oracle((c) => etl.includes(c.taskId)));
      expect(await select({ filter: { projects: ['ml'], to: ['completed', 'deleted'] } })).toEqual([
        'other in_progress>completed TaskCompleted',
        'grandchild created>deleted TaskDeleted',
      ]);
      const tree = ['child', 'grandchild'];
      expect(await select({ filter: { taskTree: 'child' } })).toEqual(oracle((c) => tree.includes(c.taskId)));
      expect(await select({ filter: { taskTree: 'root' } })).toEqual(
        oracle((c) => ['root', ...tree].includes(c.taskId)),
      );
      expect(await select({ filter: { taskTree: 'nobody' } })).toEqual([]);
    });

    it('shares one store subscription among every subscriber in the engine', async () => {
      const { store, counter } = countingSubscriptions(await openStore());
      const engine = await open({}, store);
      await writeSubscriptionScenario(engine);
      // The read models may follow the store with a subscription of their own: count only ours.
      const before = counter.opened;
      const subs = [
        puller(engine.subscribe()),
        puller(engine.subscribe({ filter: { projects: ['etl'] } })),
        puller(engine.subscribe({ from: 'end' })),
      ];
      for (const sub of subs) await sub.untilCaughtUp();
      const live = subs.map((s) => s.next());
      await engine.enqueue({ id: 'child' });
      for (const item of await Promise.all(live))
        expect(summary(item)).toBe('child created>queued TaskEnqueued');
      expect(counter.opened - before).toBe(1);
      for (const sub of subs) await sub.close();
      // Idle, the engine holds no subscription; the next subscriber starts one again.
      const later = puller(engine.subscribe({ from: 'end' }));
      await later.next();
      expect(counter.opened - before).toBe(2);
      await later.close();
    });

    it('ends a waiting subscriber cleanly when its signal aborts or the engine closes', async () => {
      const engine = await open();
      await writeSubscriptionScenario(engine);
      const stop = new AbortController();
      const sub = engine.subscribe({ from: 'end', signal: stop.signal })[Symbol.asyncIterator]();
      expect((await sub.next()).value).toMatchObject({ kind: 'caughtUp' });
      const waiting = sub.next();
      stop.abort();
      expect(await waiting).toEqual({ done: true, value: undefined });
      const other = engine.subscribe({ from: 'end' })[Symbol.asyncIterator]();
      await other.next();
      const pending = other.next();
      await engine.close();
      expect(await pending).toEqual({ done: true, value: undefined });
    });

    it('keeps a durable named subscriber: resumes after its checkpoint, never repeating a handled change', async () => {
      const engine = await open();
      await writeSubscriptionScenario(engine);
      const first = puller(engine.subscribe({ name: 'mailer', checkpointEvery: 1 }));
      const handled = await first.take(4);
      // Pulling a 5th says the 4th was handled; then the consumer goes away without a word.
      await first.take(1);
      await first.close();
      const stop = new AbortController();
      const second = puller(engine.subscribe({ name: 'mailer', signal: stop.signal }));
      const again = await second.untilCaughtUp();
      expect(handled.map(summary)).toEqual(scenarioChanges.slice(0, 4));
      // The 5th was delivered but never acknowledged by a pull: it comes again, and nothing before it.
      expect(again.items.map(summary)).toEqual(scenarioChanges.slice(4));
      // Waiting for live changes, the consumer has handled everything: that is checkpointed before it waits.
      const waiting = second.next().catch((e: unknown) => e);
      stop.abort();
      await waiting;
      const idle = puller(engine.subscribe({ name: 'mailer' }));
      expect(await idle.next()).toMatchObject({ kind: 'caughtUp' }); // nothing to repeat
      await idle.close();
    });

    it('refuses two processes consuming under one name: the second checkpoint conflicts', async () => {
      const engine = await open();
      await writeSubscriptionScenario(engine);
      const a = puller(engine.subscribe({ name: 'twin', checkpointEvery: 1 }));
      const b = puller(engine.subscribe({ name: 'twin', checkpointEvery: 1 }));
      await a.take(1);
      await b.take(1); // both started from "no checkpoint yet"
      await a.take(1); // a checkpoints its first change
      await expect(b.next()).rejects.toMatchObject({ code: 'conflict', details: { subscriber: 'twin' } });
      await a.close();
    });

    it('10,000 changes through a deliberately slow consumer: every one once, in order, the hub buffer bounded', async () => {
      const capacity = 64;
      const store = await openStore();
      const subscriptions = getSubscriptions(
        { store, now: () => '2026-01-01T00:00:00.000Z', loadTask: async () => ({ kind: 'absent' }) },
        { liveBufferSize: capacity, batchSize: 50 },
      );
      const tasks = 100;
      const perTask = 100;
      for (let t = 0; t < tasks / 2; t++)
        await store.appendToStream(`task-t${t}`, togglingTask(`t${t}`, perTask), {
          expectedRevision: 'no_stream',
        });
      let maxBuffered = 0;
      let received = 0;
      let lastPosition = 0n;
      const expected = new Map<string, bigint>();
      const produceLive = async () => {
        for (let t = tasks / 2; t < tasks; t++) {
          await store.appendToStream(`task-t${t}`, togglingTask(`t${t}`, perTask), {
            expectedRevision: 'no_stream',
          });
          await nextTicks(1);
        }
      };
      let producing: Promise<void> | undefined;
      for await (const item of subscriptions.methods.subscribe()) {
        maxBuffered = Math.max(maxBuffered, subscriptions.stats().buffered);
        if (item.kind === 'caughtUp') {
          producing ??= produceLive();
          if (received === tasks * perTask) break;
          continue;
        }
        if (item.kind !== 'change') throw new Error('status changes only');
        expect(item.position).toBeGreaterThan(lastPosition);
        lastPosition = item.position;
        const revision = (expected.get(item.taskId) ?? 0n) + 1n;
        expect(item.revision).toBe(revision);
        expected.set(item.taskId, revision);
        received++;
        if (received === tasks * perTask) break;
        await nextTicks(3); // slow: the producer gets ahead of us
      }
      await producing;
      expect(received).toBe(tasks * perTask);
      expect(maxBuffered).toBeLessThanOrEqual(capacity);
      const stats = subscriptions.stats();
      expect(stats.fellBehind).toBeGreaterThan(0); // it lost its place in the ring and read the store instead
      await subscriptions.close();
      await store.close();
    });

    it('stops with corrupt_event at an event that does not decode', async () => {
      const store = await openStore();
      const engine = await open({}, store);
      await engine.create({ id: 'ok', name: 'ok', type: 'testing' });
      await store.appendToStream(
        'task-bad',
        [{ id: 'bad-1', type: 'TaskEnqueued', data: { from: 'nowhere' }, metadata: {} }],
        {
          expectedRevision: 'no_stream',
        },
      );
      await expect(puller(engine.subscribe()).untilCaughtUp()).rejects.toMatchObject({
        code: 'corrupt_event',
        details: { stream: 'task-bad' },
      });
    });

    it('refuses bad options at once, with invalid_request at their path', async () => {
      const engine = await open();
      expect(() => engine.subscribe({ filter: { to: ['sideways'] } })).toThrow(
        expect.objectContaining({
          code: 'invalid_request',
          details: expect.objectContaining({ path: expect.stringMatching(/^filter\.to\.0/) }),
        }),
      );
      expect(() => engine.subscribe({ from: { after: -1 } })).toThrow(
        expect.objectContaining({ code: 'invalid_request' }),
      );
      expect(() => engine.subscribe({ name: 'no spaces' })).toThrow(
        expect.objectContaining({ code: 'invalid_request' }),
      );
      expect(() => engine.subscribe({ filter: { types: ['TaskStrated'] } })).toThrow(
        expect.objectContaining({ code: 'invalid_request' }),
      );
    });
  });
};
