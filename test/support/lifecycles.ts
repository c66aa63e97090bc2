import type { Engine } from '../../src/engine/engine';

/**
 * `tasks` task lifecycles named `<prefix>-<n>`, `callers` at a time: create, edit, enqueue,
 * started, two metric reports, progress, completed (eight commands each, every read model
 * touched).
 */
export const runLifecycles = async (
  engine: Pick<
    Engine,
    'create' | 'edit' | 'enqueue' | 'started' | 'reportMetrics' | 'reportProgress' | 'completed'
  >,
  prefix: string,
  tasks: number,
  callers: number,
) => {
  const lifecycle = async (id: string) => {
    await engine.create({ id, name: id, type: 'training', project: prefix });
    await engine.edit({ id, comment: 'ready' });
    await engine.enqueue({ id, queue: 'gpu' });
    await engine.started({ id, worker: prefix });
    for (const iteration of [1, 2])
      await engine.reportMetrics({
        id,
        metrics: [{ metric: 'loss', variant: 'v', iteration, value: 1 / iteration }],
      });
    await engine.reportProgress({ id, percentage: 50 });
    await engine.completed({ id, worker: prefix });
  };
  let next = 0;
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (next < tasks) await lifecycle(`${prefix}-${next++}`);
    }),
  );
};
