import { testEngine, engineOn } from '../../support/engine';
import type { Engine } from '../../../src/engine/engine';
import { FORCED_STOP, createWatchdog } from '../../../src/engine/watchdog/watchdog';
import { queueTasks, countOf } from './workerTestSupport';

const HOUR = 3_600_000;

/** A task a (pretend) worker claimed at the clock's current time. */
const running = async (engine: Engine, id: string, queue = 'default') => {
  await queueTasks(engine, [id], queue);
  await engine.started({ id, worker: 'w1' }, { actor: 'w1' });
};

describe('the watchdog', () => {
  it('stops in_progress tasks silent for longer than the threshold, and only those; queued tasks wait', async () => {
    const { engine, clock } = testEngine();
    await running(engine, 'silent');
    await queueTasks(engine, ['waiting']);
    await running(engine, 'pinging');
    clock.advance(1.5 * HOUR);
    await engine.ping({ id: 'pinging', worker: 'w1' });
    await running(engine, 'reporting');
    clock.advance(0.5 * HOUR);
    await engine.reportMetrics({
      id: 'reporting',
      worker: 'w1',
      metrics: [{ metric: 'm', variant: 'v', iteration: 1, value: 1 }],
    });
    clock.advance(1);

    // 2 h and 1 ms after `silent` and `waiting` last changed.
    const report = await engine.watchdog().runOnce();
    expect(report).toEqual({
      at: clock().toISOString(),
      cutoff: new Date(clock().getTime() - 2 * HOUR).toISOString(),
      stopped: ['silent'],
      requeued: [],
      raced: [],
    });
    expect(await engine.get('silent')).toMatchObject({
      status: 'stopped',
      status_reason: FORCED_STOP,
      status_message: 'Forced stop (non-responsive)',
      last_changed_by: 'watchdog',
    });
    expect((await engine.history('silent')).at(-1)).toMatchObject({
      type: 'TaskStopped',
      metadata: { actor: 'watchdog' },
    });
    expect((await engine.get('waiting')).status).toBe('queued');
    expect((await engine.get('pinging')).status).toBe('in_progress');
    expect((await engine.get('reporting')).status).toBe('in_progress');

    // The clock moves on: the ping was 2 h ago now.
    clock.advance(1.5 * HOUR);
    expect((await engine.watchdog().runOnce()).stopped).toEqual(['pinging']);
    await engine.close();
  });

  it('takes its threshold from the options', async () => {
    const { engine, clock } = testEngine();
    await running(engine, 't1');
    clock.advance(60_000);
    expect((await engine.watchdog({ thresholdMs: 60_000 }).runOnce()).stopped).toEqual([]);
    clock.advance(1);
    expect((await engine.watchdog({ thresholdMs: 60_000 }).runOnce()).stopped).toEqual(['t1']);
    await engine.close();
  });

  it('never stops a task twice when several watchdogs run at once (two engines over one store)', async () => {
    const { engine, store, clock } = testEngine();
    const ids = Array.from({ length: 40 }, (_, i) => `t${i}`);
    for (const id of ids) await running(engine, id);
    const other = engineOn(store, { clock, actor: 'other' });
    // The other engine's read models follow the store: let them catch up first.
    await other.list({}, { atLeast: (await engine.ping({ id: 't0', worker: 'w1' })).position });
    clock.advance(3 * HOUR);
    const reports = await Promise.all([
      engine.watchdog().runOnce(),
      other.watchdog().runOnce(),
      engine.watchdog().runOnce(),
    ]);
    const stoppedBy = reports.flatMap((r) => r.stopped);
    expect([...stoppedBy].sort()).toEqual([...ids].sort());
    for (const id of ids) expect(await countOf(engine, id, 'TaskStopped')).toBe(1);
    await other.close();
    await engine.close();
  });

  it('appends at the revision it read: a task that changed since is reported raced and left alone', async () => {
    const { engine, clock } = testEngine();
    await running(engine, 't1');
    clock.advance(3 * HOUR);
    // What a slow watchdog read: the task silent for 3 h, at its revision then.
    const listed = await engine.list({ status: ['in_progress'], only_fields: ['last_update'] });
    const read = {
      state: { kind: 'live' as const, task: await engine.get('t1') },
      revision: (await engine.history('t1')).at(-1)?.revision ?? -1n,
    };
    // The worker wakes up before the watchdog appends.
    await engine.ping({ id: 't1', worker: 'w1' });
    const slow = createWatchdog({
      engine: { ...engine, list: async () => listed },
      clock,
      loadTask: async () => read,
    });
    expect(await slow.runOnce()).toMatchObject({ stopped: [], raced: ['t1'] });
    expect((await engine.get('t1')).status).toBe('in_progress');
    expect(await countOf(engine, 't1', 'TaskStopped')).toBe(0);
    await engine.close();
  });

  it('queues a stopped task again in its queue when asked to requeue', async () => {
    const { engine, clock } = testEngine();
    await running(engine, 't1', 'gpu');
    clock.advance(3 * HOUR);
    expect(await engine.watchdog({ requeue: true }).runOnce()).toMatchObject({
      stopped: ['t1'],
      requeued: ['t1'],
    });
    expect(await engine.get('t1')).toMatchObject({ status: 'queued', queue: 'gpu' });
    expect((await engine.history('t1')).map((e) => e.type).slice(-2)).toEqual([
      'TaskStopped',
      'TaskEnqueued',
    ]);
    await engine.close();
  });

  it('runs a pass when started and reports it; stop ends it', async () => {
    const { engine, clock } = testEngine();
    await running(engine, 't1');
    clock.advance(3 * HOUR);
    const watchdog = engine.watchdog({ intervalMs: 3_600_000 });
    const first = new Promise((resolve) => watchdog.start(resolve));
    await expect(first).resolves.toMatchObject({ stopped: ['t1'] });
    await watchdog.stop();
    await engine.close();
  });

  it('refuses bad options with invalid_request', async () => {
    const { engine } = testEngine();
    expect(() => engine.watchdog({ thresholdMs: -1 })).toThrow(
      expect.objectContaining({ code: 'invalid_request' }),
    );
    expect(() => engine.watchdog({ intervalMs: 0 })).toThrow(
      expect.objectContaining({ code: 'invalid_request' }),
    );
    await engine.close();
  });
});
