/**
 * Child process for the SQLite rebuild-under-load test: an engine on the file at `path` that
 * either runs `count` task lifecycles as writer `name` (4 at a time) or, as `rebuild`, rebuilds
 * every projection `count` times. Run with `node --import tsx`.
 */
import { openEngine } from '../../src';
import { runLifecycles } from './lifecycles';

const [path, name, countArgument] = process.argv.slice(2);
const count = Number(countArgument);

const main = async () => {
  if (path === undefined || name === undefined || !Number.isInteger(count))
    throw new Error('usage: sqliteEngineChild <path> <writer name | rebuild> <count>');
  const engine = await openEngine({ store: `sqlite:${path}`, actor: name });
  try {
    if (name === 'rebuild') {
      for (let round = 0; round < count; round++) await engine.rebuild();
      return;
    }
    await runLifecycles(engine, name, count, 4);
  } finally {
    await engine.close();
  }
};

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
