import { testEngine } from '../../support/engine';
import { foldMetrics, maxIteration } from '../../../src/domain/lastMetrics';
import type { MetricReport } from '../../../src/domain/commands';
import type { LastMetrics } from '../../../src/domain/task';
import type { Engine } from '../../../src/engine/engine';
import type { TaskContext } from '../../../src/engine/workers/taskContext';
import { waitFor, queueTasks, countOf, statusOf } from './workerTestSupport';

const quiet = { heartbeatMs: 600_000, pollMs: 600_000 };

/** Runs one task through a worker with `handler`, and waits for it to end. */
const runOne = async (
  engine: Engine,
  id: string,
  handler: (ctx: TaskContext) => Promise<unknown> | void,
  flushMs = 600_000,
) => {
  await queueTasks(engine, [id]);
  const worker = engine.worker({ id: 'w1', queues: ['default'], flushMs, ...quiet });
  const running = worker.run(async (_task, ctx) => handler(ctx));
  await waitFor(`${id} to end`, () => worker.stats().claimed === 1 && worker.stats().running === 0);
  await worker.close();
  return running;
};

const reportsFor = (n: number): MetricReport[] =>
  Array.from({ length: n }, (_, i) => ({
    metric: i % 3 === 0 ? 'accuracy' : 'loss',
    variant: i % 2 === 0 ? 'train' : 'validation',
    // Out of order now and then: "last" is by iteration, then time, not by arrival.
    iteration: i % 97 === 0 ? i - 50 : i,
    value: Math.sin(i) * 10,
  }));

describe('reports from a handler', () => {
  it('batch 10,000 metric reports into few appends, with the last metrics one append per report would give', async () => {
    const { engine } = testEngine();
    const reports = reportsFor(10_000);
    await runOne(engine, 'batched', (ctx) => {
      for (const report of reports) ctx.reportMetrics(report);
    });
    const appends = await countOf(engine, 'batched', 'MetricsReported');
    expect(appends).toBeGreaterThan(0);
    expect(appends).toBeLessThanOrEqual(50);
    // One append per report folds one report at a time: the oracle.
    const at = (await engine.get('batched')).last_update;
    const oneByOne = reports.reduce<LastMetrics>((metrics, report) => foldMetrics(metrics, [report], at), {});
    const task = await engine.get('batched');
    expect(task.last_metrics).toEqual(oneByOne);
    expect(task.last_iteration).toBe(maxIteration(reports, undefined));
    expect((await engine.lastMetrics('batched')).metrics).toEqual(oneByOne);
    await engine.close();
  });

  it('give the same last metrics batched as reported one append each through the engine', async () => {
    const { engine } = testEngine();
    const reports = reportsFor(400);
    await runOne(engine, 'batched', (ctx) => ctx.reportMetrics(reports));
    await engine.create({ id: 'unbatched', name: 'unbatched', type: 'training' });
    await engine.started({ id: 'unbatched', worker: 'w2' });
    for (const report of reports)
      await engine.reportMetrics({ id: 'unbatched', worker: 'w2', metrics: [report] });
    expect(await countOf(engine, 'unbatched', 'MetricsReported')).toBe(400);
    expect(await countOf(engine, 'batched', 'MetricsReported')).toBe(1);
    expect((await engine.lastMetrics('batched')).metrics).toEqual(
      (await engine.lastMetrics('unbatched')).metrics,
    );
    expect((await engine.lastMetrics('batched')).last_iteration).toBe(
      (await engine.lastMetrics('unbatched')).last_iteration,
    );
    await engine.close();
  });

  it('flush every flush interval while the handler runs', async () => {
    const { engine } = testEngine();
    await runOne(
      engine,
      't1',
      async (ctx) => {
        ctx.reportMetrics({ metric: 'loss', variant: 'train', iteration: 1, value: 0.5 });
        await waitFor('the first flush', async () => (await countOf(engine, 't1', 'MetricsReported')) === 1);
        ctx.reportMetrics({ metric: 'loss', variant: 'train', iteration: 2, value: 0.4 });
        await waitFor('the second flush', async () => (await countOf(engine, 't1', 'MetricsReported')) === 2);
      },
      5,
    );
    expect(await statusOf(engine, 't1')).toBe('completed');
    await engine.close();
  });

  it('record progress, steps, artifacts, and log and warning lines on the execution', async () => {
    const { engine } = testEngine();
    await runOne(engine, 't1', async (ctx) => {
      ctx.progress(10, 'download');
      ctx.progress(20);
      ctx.progress(30);
      ctx.log('epoch 1 done');
      ctx.warn('disk almost full');
      await ctx.addArtifacts([{ key: 'model', mode: 'output', uri: 's3://bucket/model.pt' }]);
      await ctx.flush();
      const task = await engine.get('t1');
      expect(task).toMatchObject({ progress_percentage: 30, sub_steps: [{ name: 'download' }] });
      expect(task.execution.artifacts).toEqual([
        { key: 'model', mode: 'output', uri: 's3://bucket/model.pt' },
      ]);
    });
    const history = await engine.history('t1');
    // The two bare percentages coalesced into one append.
    expect(history.filter((e) => e.type === 'ProgressReported').map((e) => e.data)).toEqual([
      { percentage: 10, sub_step: 'download', worker: 'w1' },
      { percentage: 30, worker: 'w1' },
    ]);
    const [execution] = await engine.executions('t1');
    expect(execution?.reasons.map((r) => r.reason)).toEqual(['epoch 1 done\nwarning: disk almost full']);
    expect(execution?.phase).toBe('SUCCEEDED');
    await engine.close();
  });

  it('are flushed before the task ends, so none lands after its last status change', async () => {
    const { engine } = testEngine();
    await runOne(engine, 't1', async (ctx) => {
      ctx.reportMetrics({ metric: 'loss', variant: 'train', iteration: 1, value: 0.5 });
      ctx.progress(40, 'train');
      ctx.log('bye');
      throw new Error('diverged');
    });
    const types = (await engine.history('t1')).map((e) => e.type);
    expect(types.slice(-4)).toEqual([
      'ExecutionReported',
      'ProgressReported',
      'MetricsReported',
      'TaskFailed',
    ]);
    await engine.close();
  });
});
