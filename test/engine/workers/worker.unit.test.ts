import { testEngine, engineOn } from '../../support/engine';
import type { Task } from '../../../src/domain/task';
import type { TaskContext } from '../../../src/engine/workers/taskContext';
import { TaskAborted } from '../../../src/engine/workers/abortReason';
import { createWorker } from '../../../src/engine/workers/worker';
import type { Engine } from '../../../src/engine/engine';
import { waitFor, queueTasks, typesOf, countOf, statusOf, gate, aborted } from './workerTestSupport';

/** The task from its stream, as the engine gives workers: the history folded, at its last revision. */
const loadTaskOf = (engine: Engine) => async (id: string) => {
  const history = await engine.history(id);
  return { state: { kind: 'live' as const, task: await engine.get(id) }, revision: history.at(-1)?.revision };
};

// Long timers: these tests must pass without a heartbeat, flush or fallback poll ever firing.
const quiet = { heartbeatMs: 600_000, flushMs: 600_000, pollMs: 600_000 };

describe('engine.worker', () => {
  it('claims the oldest queued task first, completes it with its output as result, fails it with the error', async () => {
    const { engine, clock } = testEngine();
    // Queued in the opposite order to their ids: time decides, not the id.
    for (const id of ['c', 'b', 'a']) {
      await queueTasks(engine, [id]);
      clock.advance(1_000);
    }
    const seen: string[] = [];
    const worker = engine.worker({ id: 'w1', queues: ['default'], ...quiet });
    const running = worker.run(async (task) => {
      seen.push(task.id);
      if (task.id === 'b') throw new Error('out of memory');
      return { accuracy: 0.9 };
    });
    await waitFor('three tasks done', () => worker.stats().completed + worker.stats().failed === 3);
    await worker.close();
    expect(await running).toMatchObject({ claimed: 3, completed: 2, failed: 1, running: 0 });
    expect(seen).toEqual(['c', 'b', 'a']);
    expect(await engine.get('c')).toMatchObject({
      status: 'completed',
      output: { result: '{"accuracy":0.9}' },
      worker: 'w1',
    });
    expect(await engine.get('b')).toMatchObject({
      status: 'failed',
      output: { error: 'out of memory' },
      error_messages: ['out of memory'],
    });
    const history = await engine.history('c');
    expect(history.map((e) => e.type)).toEqual([
      'TaskCreated',
      'TaskEnqueued',
      'TaskStarted',
      'TaskCompleted',
    ]);
    expect(history[2]).toMatchObject({ data: { worker: 'w1' }, metadata: { actor: 'w1' } });
    await engine.close();
  });

  it('gives the handler the task as claimed: in_progress, with its parameters', async () => {
    const { engine } = testEngine();
    await queueTasks(engine, ['t1']);
    let given: Task | undefined;
    const worker = engine.worker({ id: 'w1', queues: ['default'], ...quiet });
    const running = worker.run(async (task) => void (given = task));
    await waitFor('the task', () => given !== undefined);
    await worker.close();
    await running;
    expect(given).toMatchObject({
      id: 't1',
      status: 'in_progress',
      worker: 'w1',
      execution: { parameters: { lr: 0.1, tag: 't1' } },
    });
    await engine.close();
  });

  it('takes only tasks from its own queues', async () => {
    const { engine } = testEngine();
    await queueTasks(engine, ['cpu-task'], 'cpu');
    await queueTasks(engine, ['gpu-task'], 'gpu');
    const worker = engine.worker({ id: 'w1', queues: ['gpu'], ...quiet });
    const running = worker.run(async () => undefined);
    await waitFor('the gpu task', async () => (await statusOf(engine, 'gpu-task')) === 'completed');
    await worker.close();
    await running;
    expect(await statusOf(engine, 'cpu-task')).toBe('queued');
    await engine.close();
  });

  it('hears of tasks queued after it started through the subscription, not the (here hour-long) poll', async () => {
    const { engine } = testEngine();
    const worker = engine.worker({ id: 'w1', queues: ['default'], ...quiet });
    const running = worker.run(async () => undefined);
    // A first task, so the worker has looked at the queue and gone back to waiting.
    await queueTasks(engine, ['first']);
    await waitFor('the first task', async () => (await statusOf(engine, 'first')) === 'completed');
    await queueTasks(engine, ['later']);
    await waitFor('the late task', async () => (await statusOf(engine, 'later')) === 'completed');
    await worker.close();
    await running;
    await engine.close();
  });

  it('runs up to `concurrency` tasks at once, and no more', async () => {
    const { engine } = testEngine();
    await queueTasks(engine, ['t1', 't2', 't3']);
    const hold = gate();
    let inHandler = 0;
    const worker = engine.worker({ id: 'w1', queues: ['default'], concurrency: 2, ...quiet });
    const running = worker.run(async () => {
      inHandler++;
      await hold.opened;
    });
    await waitFor('two running', () => inHandler === 2);
    expect(await statusOf(engine, 't3')).toBe('queued');
    expect(worker.stats()).toMatchObject({ claimed: 2, running: 2 });
    hold.open();
    await waitFor('all done', () => worker.stats().completed === 3);
    await worker.close();
    await running;
    await engine.close();
  });

  it('claims each task exactly once when workers of two engines race over one store', async () => {
    const { engine, store, clock } = testEngine();
    const other = engineOn(store, { clock, actor: 'other' });
    const ids = Array.from({ length: 120 }, (_, i) => `t${String(i).padStart(3, '0')}`);
    await queueTasks(engine, ids);
    const workers = [
      engine.worker({ id: 'a1', queues: ['default'], concurrency: 3, ...quiet }),
      engine.worker({ id: 'a2', queues: ['default'], concurrency: 2, ...quiet }),
      other.worker({ id: 'b1', queues: ['default'], concurrency: 3, ...quiet }),
      other.worker({ id: 'b2', queues: ['default'], ...quiet }),
    ];
    const runs = workers.map((worker) => worker.run(async () => undefined));
    await waitFor(
      'every task completed',
      async () => (await engine.list({ status: ['completed'] })).total_size === ids.length,
    );
    await Promise.all(workers.map((worker) => worker.close()));
    const stats = await Promise.all(runs);
    expect(stats.reduce((n, s) => n + s.claimed, 0)).toBe(ids.length);
    for (const id of ids) expect(await countOf(engine, id, 'TaskStarted')).toBe(1);
    await other.close();
    await engine.close();
  });

  it('pings while a task runs, as the worker, only while the task is its own', async () => {
    const { engine } = testEngine();
    await queueTasks(engine, ['t1']);
    const hold = gate();
    const worker = engine.worker({
      id: 'w1',
      queues: ['default'],
      heartbeatMs: 5,
      flushMs: 600_000,
      pollMs: 600_000,
    });
    const running = worker.run(() => hold.opened);
    await waitFor('a ping', async () => (await countOf(engine, 't1', 'TaskPinged')) >= 2);
    hold.open();
    await waitFor('completed', async () => (await statusOf(engine, 't1')) === 'completed');
    await worker.close();
    await running;
    const pings = (await engine.history('t1')).filter((e) => e.type === 'TaskPinged');
    expect(pings[0]).toMatchObject({ data: { worker: 'w1' }, metadata: { actor: 'w1' } });
    // No ping after the task ended.
    expect((await typesOf(engine, 't1')).at(-1)).toBe('TaskCompleted');
    await engine.close();
  });

  it('refuses bad options with invalid_request', async () => {
    const { engine } = testEngine();
    expect(() => engine.worker({ id: '', queues: ['q'] })).toThrow(
      expect.objectContaining({ code: 'invalid_request' }),
    );
    expect(() => engine.worker({ id: 'w', queues: [] })).toThrow(
      expect.objectContaining({ code: 'invalid_request' }),
    );
    expect(() => engine.worker({ id: 'w', queues: ['q'], concurrency: 0 })).toThrow(
      expect.objectContaining({ code: 'invalid_request' }),
    );
    const worker = engine.worker({ id: 'w', queues: ['q'], ...quiet });
    const running = worker.run(async () => undefined);
    expect(() => worker.run(async () => undefined)).toThrow(
      expect.objectContaining({ code: 'invalid_request' }),
    );
    await worker.close();
    await running;
    await engine.close();
  });

  describe('stop requests', () => {
    const runUntilStopped = async (handler: (ctx: TaskContext) => Promise<unknown>) => {
      const { engine } = testEngine();
      await queueTasks(engine, ['long']);
      let reason: unknown;
      const worker = engine.worker({ id: 'w1', queues: ['default'], ...quiet });
      const running = worker.run(async (_task, ctx) => {
        await aborted(ctx.signal);
        reason = ctx.signal.reason;
        return handler(ctx);
      });
      await waitFor('the claim', async () => (await statusOf(engine, 'long')) === 'in_progress');
      // The worker is active, so `stop` asks it to stop (TaskStopRequested) rather than stopping the task.
      expect((await engine.stop({ id: 'long' }, { actor: 'alice' })).fields).toMatchObject({
        status_message: 'stopping',
      });
      await waitFor('stopped', async () => (await statusOf(engine, 'long')) === 'stopped');
      await worker.close();
      return { engine, reason, stats: await running };
    };

    it('reach the running handler through ctx.signal, and the task ends stopped', async () => {
      const { engine, reason, stats } = await runUntilStopped(async (ctx) => ctx.signal.throwIfAborted());
      expect(reason).toBeInstanceOf(TaskAborted);
      expect(reason).toMatchObject({ name: 'AbortError', why: 'stop_requested', taskId: 'long' });
      expect(stats).toMatchObject({ stopped: 1, failed: 0 });
      const history = await engine.history('long');
      expect(history.map((e) => e.type).slice(-3)).toEqual([
        'TaskStarted',
        'TaskStopRequested',
        'TaskStopped',
      ]);
      expect(history.at(-1)).toMatchObject({
        data: { from: 'in_progress', to: 'stopped', worker: 'w1' },
        metadata: { actor: 'w1' },
      });
      await engine.close();
    });

    it('end stopped also when the handler returns normally after the signal', async () => {
      const { engine, stats } = await runUntilStopped(async () => 'finished anyway');
      expect(stats).toMatchObject({ stopped: 1, completed: 0 });
      expect((await engine.get('long')).output.result).toBeUndefined();
      await engine.close();
    });
  });

  describe('close', () => {
    it('finishes running tasks by default and claims no more', async () => {
      const { engine } = testEngine();
      await queueTasks(engine, ['first', 'second']);
      const hold = gate();
      const worker = engine.worker({ id: 'w1', queues: ['default'], ...quiet });
      const running = worker.run(() => hold.opened);
      await waitFor('the first claim', async () => (await statusOf(engine, 'first')) === 'in_progress');
      const closed = worker.close();
      hold.open();
      await closed;
      expect(await running).toMatchObject({ completed: 1, claimed: 1 });
      expect(await statusOf(engine, 'first')).toBe('completed');
      expect(await statusOf(engine, 'second')).toBe('queued');
      await engine.close();
    });

    it("with onClose 'requeue' stops the running tasks and queues them again for another worker", async () => {
      const { engine } = testEngine();
      await queueTasks(engine, ['t1'], 'gpu');
      let reason: unknown;
      const worker = engine.worker({ id: 'w1', queues: ['gpu'], onClose: 'requeue', ...quiet });
      const running = worker.run(async (_task, ctx) => {
        await aborted(ctx.signal);
        reason = ctx.signal.reason;
      });
      await waitFor('the claim', async () => (await statusOf(engine, 't1')) === 'in_progress');
      await worker.close();
      expect(await running).toMatchObject({ requeued: 1 });
      expect(reason).toMatchObject({ why: 'closing' });
      expect(await engine.get('t1')).toMatchObject({ status: 'queued', queue: 'gpu' });
      expect((await typesOf(engine, 't1')).slice(-3)).toEqual(['TaskStarted', 'TaskStopped', 'TaskEnqueued']);

      const next = engine.worker({ id: 'w2', queues: ['gpu'], ...quiet });
      const rerun = next.run(async () => 'done');
      await waitFor('the re-run', async () => (await statusOf(engine, 't1')) === 'completed');
      await next.close();
      await rerun;
      expect(await countOf(engine, 't1', 'TaskStarted')).toBe(2);
      await engine.close();
    });

    it('closing the engine closes its workers', async () => {
      const { engine } = testEngine();
      const worker = engine.worker({ id: 'w1', queues: ['default'], ...quiet });
      const running = worker.run(async () => undefined);
      await engine.close();
      await expect(running).resolves.toMatchObject({ claimed: 0 });
    });
  });

  it('lets go of a task taken out of its hands (here by the watchdog): signal fires, nothing more is appended', async () => {
    const { engine, clock } = testEngine();
    await queueTasks(engine, ['t1']);
    let reason: unknown;
    const worker = engine.worker({ id: 'w1', queues: ['default'], ...quiet });
    const running = worker.run(async (_task, ctx) => {
      await aborted(ctx.signal);
      reason = ctx.signal.reason;
      ctx.reportMetrics({ metric: 'late', variant: 'x', iteration: 1, value: 1 });
      return 'too late';
    });
    await waitFor('the claim', async () => (await statusOf(engine, 't1')) === 'in_progress');
    clock.advance(7_200_001);
    expect((await engine.watchdog().runOnce()).stopped).toEqual(['t1']);
    await waitFor('the worker to let go', () => worker.stats().lost === 1);
    await worker.close();
    await running;
    expect(reason).toMatchObject({ why: 'lost' });
    const history = await engine.history('t1');
    expect(history.at(-1)).toMatchObject({ type: 'TaskStopped', metadata: { actor: 'watchdog' } });
    expect(history.map((e) => e.type)).not.toContain('MetricsReported');
    await engine.close();
  });

  it('still hears a stop request through its heartbeat when the subscription tells it nothing', async () => {
    const { engine, clock } = testEngine();
    await queueTasks(engine, ['t1']);
    // A subscription that goes live and then stays silent until closed.
    const silent = (options: { signal?: AbortSignal } = {}) =>
      (async function* () {
        yield { kind: 'caughtUp' as const, position: 0n };
        if (options.signal !== undefined) await aborted(options.signal);
      })();
    const deps = { engine: { ...engine, subscribe: silent }, clock, loadTask: loadTaskOf(engine) };
    const worker = createWorker(deps, {
      id: 'w1',
      queues: ['default'],
      heartbeatMs: 5,
      flushMs: 600_000,
      pollMs: 600_000,
    });
    const running = worker.run(async (_task, ctx) => aborted(ctx.signal));
    await waitFor('the claim', async () => (await statusOf(engine, 't1')) === 'in_progress');
    await engine.stop({ id: 't1' });
    await waitFor('stopped', async () => (await statusOf(engine, 't1')) === 'stopped');
    await worker.close();
    expect(await running).toMatchObject({ stopped: 1 });
    await engine.close();
  });

  it('passes a bad report back to the handler at once, as invalid_request', async () => {
    const { engine } = testEngine();
    await queueTasks(engine, ['t1']);
    const errors: unknown[] = [];
    const worker = engine.worker({ id: 'w1', queues: ['default'], ...quiet });
    const running = worker.run(async (_task, ctx) => {
      for (const bad of [
        () => ctx.progress(120),
        () => ctx.reportMetrics({ metric: '', variant: 'v', iteration: 1, value: 1 }),
        () => ctx.reportMetrics({ metric: 'm', variant: 'v', iteration: 1.5, value: 1 }),
      ]) {
        try {
          bad();
        } catch (error) {
          errors.push(error);
        }
      }
    });
    await waitFor('completed', async () => (await statusOf(engine, 't1')) === 'completed');
    await worker.close();
    await running;
    expect(errors).toHaveLength(3);
    for (const error of errors) expect(error).toMatchObject({ code: 'invalid_request' });
    await engine.close();
  });
});
