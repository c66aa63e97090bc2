import { testEngine, countEvents, rejection } from '../support/engine';
import { fold } from '../../src/domain/evolve';
import { decodeTaskEvent } from '../../src/domain/events';
import { hashEvent, GENESIS_HASH } from '../../src/engine/hashChain';
import type { EventStore, EventToAppend, AppendOptions } from '../../src/ports/eventStore';
import { getMemoryEventStore } from '../../src/adapters/store/memoryEventStore';

describe('the engine', () => {
  it('drives a task through its life and returns { updated, fields, revision, position }', async () => {
    const { engine, clock } = testEngine();
    const created = await engine.create({ name: 'train resnet', type: 'training', project: 'vision' });
    expect(created).toMatchObject({ id: 'task1', updated: 1, revision: 0n, position: 1n });
    expect(created.fields).toMatchObject({ name: 'train resnet', status: 'created' });

    clock.advance(1000);
    const queued = await engine.enqueue({ id: 'task1', queue: 'gpu' });
    expect(queued).toMatchObject({ updated: 1, revision: 1n, position: 2n });
    expect(queued.fields).toEqual({
      status: 'queued',
      queue: 'gpu',
      enqueue_status: 'created',
      status_changed: '2026-01-01T00:00:01.000Z',
      last_update: '2026-01-01T00:00:01.000Z',
      is_cancelable: true,
    });
    await engine.started({ id: 'task1', worker: 'w1' });
    await engine.reportMetrics({
      id: 'task1',
      metrics: [{ metric: 'loss', variant: 'train', iteration: 1, value: 0.5 }],
    });
    await engine.reportProgress({ id: 'task1', percentage: 50 });
    clock.advance(60_000);
    const done = await engine.completed({ id: 'task1', publish: true });
    expect(done.revision).toBe(6n); // completed and published: two events in one append

    const task = await engine.get('task1');
    expect(task).toMatchObject({
      status: 'published',
      progress_percentage: 100,
      last_iteration: 1,
      worker: 'w1',
    });
    const history = await engine.history('task1');
    expect(history.map((e) => e.type)).toEqual([
      'TaskCreated',
      'TaskEnqueued',
      'TaskStarted',
      'MetricsReported',
      'ProgressReported',
      'TaskCompleted',
      'TaskPublished',
    ]);
    expect(history[0]?.metadata).toMatchObject({
      actor: 'alice',
      at: '2026-01-01T00:00:00.000Z',
      schemaVersion: 1,
    });
    expect(history[5]?.metadata.commandId).toBe(history[6]?.metadata.commandId);
  });

  it('get equals the fold of history', async () => {
    const { engine } = testEngine();
    await engine.create({ id: 'a', name: 'a', type: 'testing' });
    await engine.enqueue({ id: 'a' });
    await engine.stop({ id: 'a' });
    const state = fold(
      (await engine.history('a')).map((e) => ({ type: e.type, data: e.data, metadata: e.metadata }) as never),
    );
    expect(state).toEqual({ kind: 'live', task: await engine.get('a') });
  });

  it('chains every event to the one before it by hash', async () => {
    const { engine } = testEngine();
    await engine.create({ id: 'a', name: 'a', type: 'testing' });
    await engine.enqueue({ id: 'a' });
    const [first, second] = await engine.history('a');
    expect(first?.metadata.hash).toBe(hashEvent(GENESIS_HASH, first as never));
    expect(second?.metadata.hash).toBe(hashEvent(first?.metadata.hash ?? '', second as never));
  });

  it('records actor, reason, correlation and causation in metadata', async () => {
    const { engine } = testEngine();
    await engine.create({ id: 'a', name: 'a', type: 'testing' }, { actor: 'carol', correlationId: 'run-7' });
    await engine.enqueue({ id: 'a', status_reason: 'nightly' }, { causationId: 'cmd-1' });
    const [created, queued] = await engine.history('a');
    expect(created?.metadata).toMatchObject({ actor: 'carol', correlationId: 'run-7' });
    expect(queued?.metadata).toMatchObject({ actor: 'alice', reason: 'nightly', causationId: 'cmd-1' });
  });

  it('dequeue of a task that is not queued returns { updated: 0 } and appends nothing', async () => {
    const { engine, store } = testEngine();
    await engine.create({ id: 'a', name: 'a', type: 'testing' });
    const result = await engine.dequeue({ id: 'a' });
    expect(result).toEqual({ id: 'a', updated: 0, fields: {}, revision: 0n, position: 1n });
    expect(await countEvents(store)).toBe(1);
  });

  it('stop with and without an active worker, by the injected clock', async () => {
    const { engine, clock } = testEngine();
    await engine.create({ id: 'a', name: 'a', type: 'training' });
    await engine.started({ id: 'a', worker: 'w1' });
    clock.advance(599_000);
    expect((await engine.stop({ id: 'a' })).fields).toMatchObject({ status_message: 'stopping' });
    expect((await engine.get('a')).status).toBe('in_progress');
    clock.advance(1_000); // 600 s since the worker last reported
    await engine.stop({ id: 'a' });
    expect(await engine.get('a')).toMatchObject({ status: 'stopped', status_message: 'Stopped by alice' });
  });

  it('a ping keeps the worker active', async () => {
    const { engine, clock } = testEngine({ workerTimeoutMs: 10_000 });
    await engine.create({ id: 'a', name: 'a', type: 'training' });
    await engine.started({ id: 'a', worker: 'w1' });
    clock.advance(9_000);
    await engine.ping({ id: 'a', worker: 'w1' });
    clock.advance(9_000);
    await engine.stop({ id: 'a' });
    expect((await engine.get('a')).status).toBe('in_progress');
  });

  describe('children', () => {
    it('reset and delete refuse a task with published children unless forced', async () => {
      const { engine } = testEngine();
      await engine.create({ id: 'p', name: 'pipeline', type: 'controller' });
      await engine.create({ id: 'c', name: 'step', type: 'training', parent: 'p' });
      await engine.create({ id: 'd', name: 'draft step', type: 'training', parent: 'p' });
      await engine.started({ id: 'c' });
      await engine.completed({ id: 'c', publish: true });
      await rejection(engine.reset({ id: 'p' }), 'has_children');
      await rejection(engine.delete({ id: 'p' }), 'has_children');
      expect((await engine.reset({ id: 'p', force: true })).updated).toBe(1);
      expect((await engine.delete({ id: 'p', force: true })).updated).toBe(1);
      await rejection(engine.get('p'), 'not_found');
      expect((await engine.history('p')).at(-1)?.type).toBe('TaskDeleted');
    });
    it('draft children do not block, and a moved child no longer counts', async () => {
      const { engine } = testEngine();
      await engine.create({ id: 'p', name: 'p', type: 'controller' });
      await engine.create({ id: 'q', name: 'q', type: 'controller' });
      await engine.create({ id: 'c', name: 'c', type: 'training', parent: 'p' });
      await engine.edit({ id: 'c', parent: 'q' });
      await engine.started({ id: 'c' });
      await engine.completed({ id: 'c', publish: true });
      expect((await engine.delete({ id: 'p' })).updated).toBe(1);
      await rejection(engine.delete({ id: 'q' }), 'has_children');
    });
    it('create with a missing or deleted parent is not_found', async () => {
      const { engine, store } = testEngine();
      await rejection(engine.create({ id: 'c', name: 'c', type: 'training', parent: 'nope' }), 'not_found');
      await engine.create({ id: 'p', name: 'p', type: 'training' });
      await engine.delete({ id: 'p' });
      await rejection(engine.create({ id: 'c', name: 'c', type: 'training', parent: 'p' }), 'not_found');
      expect(await countEvents(store)).toBe(2);
    });
  });

  describe('concurrency', () => {
    /** A store whose next append first lets another writer append to the same stream. */
    const racingStore = (inner: EventStore, race: () => Promise<void>): EventStore => {
      let raced = false;
      return {
        ...inner,
        appendToStream: async (stream: string, events: readonly EventToAppend[], options: AppendOptions) => {
          if (!raced) {
            raced = true;
            await race();
          }
          return inner.appendToStream(stream, events, options);
        },
      };
    };

    it('re-reads and decides again after a conflict', async () => {
      const inner = getMemoryEventStore();
      const { engine: other } = testEngine({ store: inner });
      await other.create({ id: 'a', name: 'a', type: 'training' });
      const { engine } = testEngine({
        store: racingStore(inner, async () => void (await other.enqueue({ id: 'a' }))),
      });
      const result = await engine.started({ id: 'a' });
      expect(result.revision).toBe(2n);
      expect((await engine.history('a')).map((e) => e.data)).toMatchObject([
        {},
        { from: 'created' },
        { from: 'queued', to: 'in_progress' },
      ]);
    });

    it('a create of a task another engine made is refused, and appends nothing', async () => {
      const { engine: first, store } = testEngine();
      await first.create({ id: 'a', name: 'a', type: 'training' });
      // This engine has never read task a: it tries the create against an empty stream first.
      const { engine: second } = testEngine({ store });
      await rejection(second.create({ id: 'a', name: 'other', type: 'training' }), 'already_exists');
      expect(await countEvents(store)).toBe(1);
      expect((await second.get('a')).name).toBe('a');
    });

    it('with an explicit expectedRevision a conflict is returned, not retried', async () => {
      const { engine, store } = testEngine();
      await engine.create({ id: 'a', name: 'a', type: 'training' });
      await engine.enqueue({ id: 'a' });
      const error = await rejection(engine.started({ id: 'a' }, { expectedRevision: 0n }), 'conflict');
      expect(error.details).toMatchObject({ expected: '0', actual: '1' });
      expect(await countEvents(store)).toBe(2);
      expect((await engine.started({ id: 'a' }, { expectedRevision: 1n })).revision).toBe(2n);
    });

    it('a command retried with the same command id is handled once', async () => {
      const { engine, store } = testEngine();
      await engine.create({ id: 'a', name: 'a', type: 'training' });
      const first = await engine.enqueue({ id: 'a' }, { commandId: 'cmd-1' });
      const again = await engine.enqueue({ id: 'a' }, { commandId: 'cmd-1' });
      expect(again).toMatchObject({
        updated: 1,
        revision: first.revision,
        position: first.position,
        duplicate: true,
      });
      expect(await countEvents(store)).toBe(2);
      // Even from another engine (another process) that has not seen the task yet.
      const { engine: fresh } = testEngine({ store });
      expect(await fresh.enqueue({ id: 'a' }, { commandId: 'cmd-1' })).toMatchObject({ duplicate: true });
      expect(await countEvents(store)).toBe(2);
    });
  });

  it('an event that does not decode is corrupt_event naming its position', async () => {
    const store = getMemoryEventStore();
    await store.appendToStream(
      'task-a',
      [{ id: 'e1', type: 'TaskCreated', data: { name: 1 }, metadata: {} }],
      {
        expectedRevision: 'no_stream',
      },
    );
    const { engine } = testEngine({ store });
    const error = await rejection(engine.get('a'), 'corrupt_event');
    expect(error.details).toMatchObject({ position: '1', stream: 'task-a', revision: '0' });
    expect(decodeTaskEvent({ type: 'Nope', data: {}, metadata: {} })._tag).toBe('Left');
  });
});
