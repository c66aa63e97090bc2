import type { Engine } from '../../src/engine/engine';
import type { manualClock } from '../../src/engine/clock';

/**
 * A small log with every kind of history verify must accept: a full lifecycle, a forced move, a
 * reset and re-run, a stop request, an archive then delete, metrics. Returns the forced moves
 * it made, as verify should list them.
 */
export const writeAuditScenario = async (engine: Engine, clock: ReturnType<typeof manualClock>) => {
  const tick = () => clock.advance(1000);
  await engine.create({ id: 'a', name: 'train', type: 'training', project: 'vision' });
  await engine.create({ id: 'b', name: 'eval', type: 'testing', project: 'vision', parent: 'a' });
  tick();
  await engine.enqueue({ id: 'a', queue: 'gpu' });
  await engine.started({ id: 'a', worker: 'w1' });
  await engine.reportMetrics({
    id: 'a',
    metrics: [{ metric: 'loss', variant: 'train', iteration: 1, value: 0.5 }],
    worker: 'w1',
  });
  tick();
  await engine.stop({ id: 'a' }); // the worker is alive: a stop request
  await engine.stopped({ id: 'a', worker: 'w1' });
  await engine.reset({ id: 'a' });
  await engine.enqueue({ id: 'a' });
  await engine.started({ id: 'a', worker: 'w2' });
  tick();
  await engine.completed({ id: 'a', publish: true, worker: 'w2' });
  await engine.completed({ id: 'b', force: true }); // created → completed: forced
  await engine.archive({ id: 'b' });
  await engine.delete({ id: 'b' });
  return { forced: [{ stream: 'task-b', type: 'TaskCompleted', from: 'created', to: 'completed' }] };
};
