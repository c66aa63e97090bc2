/**
 * Child process for the SQLite rebuild-under-load test: an engine on the file at `path` that
 * either runs `count` task lifecycles as writer `name` (4 at a time) or, as `rebuild`, rebuilds
 * every projection `count` times. Run with `node --import tsx`.
 */
import { openEngine } from '../../src';

const [path, name, countArgument] = process.argv.slice(2);
const count = Number(countArgument);

const lifecycle = async (engine: Awaited<ReturnType<typeof openEngine>>, id: string) => {
  await engine.create({ id, name: id, type: 'training', project: name });
  await engine.edit({ id, comment: 'ready' });
  await engine.enqueue({ id, queue: 'gpu' });
  await engine.started({ id, worker: name });
  for (const iteration of [1, 2])
    await engine.reportMetrics({
      id,
      metrics: [{ metric: 'loss', variant: 'v', iteration, value: 1 / iteration }],
    });
  await engine.completed({ id, worker: name });
};

const main = async () => {
  if (path === undefined || name === undefined || !Number.isInteger(count))
    throw new Error('usage: sqliteEngineChild <path> <writer name | rebuild> <count>');
  const engine = await openEngine({ store: `sqlite:${path}`, actor: name });
  try {
    if (name === 'rebuild') {
      for (let round = 0; round < count; round++) await engine.rebuild();
      return;
    }
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < count) await lifecycle(engine, `${name}-${next++}`);
      }),
    );
  } finally {
    await engine.close();
  }
};

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
