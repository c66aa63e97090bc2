import type { Engine } from '../../../engine/engine';
import type { Random } from './random';

/** How a pipeline step ends in the demo. */
export type Outcome = 'published' | 'completed' | 'failed' | 'stopped' | 'rerun';

export type DemoHooks = {
  /** Moves the demo's simulated clock: histories span hours without the demo taking hours. */
  advance(ms: number): void;
  onCommand(): void;
};

const errors = ['CUDA out of memory', 'dataset shard 7 missing', 'NaN loss at iteration 12', 'worker lost'];

const outcomeFor = (random: Random): Outcome => {
  const r = random.next();
  return r < 0.35
    ? 'published'
    : r < 0.7
      ? 'completed'
      : r < 0.82
        ? 'failed'
        : r < 0.92
          ? 'stopped'
          : 'rerun';
};

/** Awaits a command and counts it for the demo's progress line. */
const counted =
  (hooks: DemoHooks) =>
  async <T>(command: Promise<T>): Promise<T> => {
    const result = await command;
    hooks.onCommand();
    return result;
  };

/** One run of a step on a worker: started, metrics and progress per iteration. */
const run = async (
  engine: Engine,
  id: string,
  worker: string,
  iterations: number,
  random: Random,
  hooks: DemoHooks,
) => {
  const call = counted(hooks);
  await call(engine.started({ id, worker }));
  let loss = 2 + random.next();
  for (let iteration = 1; iteration <= iterations; iteration++) {
    hooks.advance(random.int(30_000, 120_000));
    loss *= 0.8 + random.next() * 0.15;
    await call(
      engine.reportMetrics({
        id,
        worker,
        metrics: [
          { metric: 'loss', variant: 'train', iteration, value: loss },
          { metric: 'accuracy', variant: 'validation', iteration, value: 1 - loss / 3 },
        ],
      }),
    );
    await call(engine.reportProgress({ id, worker, percentage: Math.round((iteration / iterations) * 100) }));
  }
};

/** A pipeline (controller task) with child steps, each queued, run by a worker and finished. */
export const runPipeline = async (
  engine: Engine,
  prefix: string,
  index: number,
  random: Random,
  hooks: DemoHooks,
) => {
  const call = counted(hooks);
  const pipeline = `${prefix}-pipeline-${index}`;
  await call(
    engine.create({
      id: pipeline,
      name: `experiment ${index}`,
      type: 'controller',
      project: 'demo',
      tags: ['nightly'],
    }),
  );
  await call(engine.started({ id: pipeline, worker: 'controller' }));
  const steps = random.int(3, 6);
  const outcomes: Outcome[] = [];
  for (let s = 0; s < steps; s++) {
    const id = `${prefix}-step-${index}-${s}`;
    const worker = `worker-${random.int(1, 4)}`;
    const outcome = outcomeFor(random);
    outcomes.push(outcome);
    await call(
      engine.create({
        id,
        name: s === 0 ? 'prepare data' : `train variant ${s}`,
        type: s === 0 ? 'data_processing' : 'training',
        project: 'demo',
        parent: pipeline,
        parameters: { lr: Number((0.001 * random.int(1, 10)).toFixed(3)), epochs: random.int(3, 8) },
      }),
    );
    await call(engine.enqueue({ id, queue: s === 0 ? 'cpu' : 'gpu' }));
    hooks.advance(random.int(1_000, 60_000));
    const iterations = random.int(3, 8);
    await run(engine, id, worker, iterations, random, hooks);
    if (outcome === 'failed' || outcome === 'rerun') {
      await call(engine.failed({ id, worker, error: random.pick(errors), status_reason: 'exception' }));
    }
    if (outcome === 'rerun') {
      // Fixed and run again: reset keeps the definition, clears what the failed run produced.
      await call(engine.reset({ id }));
      await call(engine.enqueue({ id, queue: 'gpu' }));
      await run(engine, id, worker, iterations, random, hooks);
      await call(engine.completed({ id, worker, result: `s3://models/${id}` }));
    }
    if (outcome === 'stopped') {
      // The worker is alive, so a stop is a request; the worker then reports it stopped.
      await call(engine.stop({ id, status_reason: 'superseded' }, { actor: 'alice' }));
      await call(engine.stopped({ id, worker }));
    }
    if (outcome === 'completed' || outcome === 'published') {
      await call(
        engine.completed({ id, worker, result: `s3://models/${id}`, publish: outcome === 'published' }),
      );
    }
  }
  const anyFailed = outcomes.includes('failed');
  await call(
    anyFailed
      ? engine.failed({ id: pipeline, error: 'a step failed' })
      : engine.completed({ id: pipeline, publish: random.chance(0.5) }),
  );
  return outcomes;
};
