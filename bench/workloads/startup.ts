import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { figureOf } from '../lib/figures';
import { tempSQLiteFile } from '../lib/tempStores';
import { median } from '../lib/stats';
import { progress } from '../lib/progress';
import { repeat, Workload } from '../lib/workload';
import { measures } from '../lib/args';

/** Launches per run: a start-up takes about 0.2 s, and one launch is at the mercy of the scheduler. */
const LAUNCHES = 10;
// The package as users load it: dist/, built by `npm install` (prepare) or `npm run build`.
const DIST = join(__dirname, '..', '..', 'dist');

/** Wall time of one `node -e script`, from spawn to exit, in ms. */
const launch = (script: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const started = performance.now();
    execFile(process.execPath, ['-e', script], { timeout: 60_000 }, (error, _stdout, stderr) =>
      error === null
        ? resolve(performance.now() - started)
        : reject(new Error(`${error.message}\n${stderr}`)),
    );
  });

const medianOf = async (script: string) => {
  const times: number[] = [];
  for (let i = 0; i < LAUNCHES; i++) times.push(await launch(script));
  return median(times);
};

/**
 * What a short-lived process pays before its first command — a worker process, a CLI call: a
 * fresh Node process that loads taskledger, opens an existing SQLite store, lists one task and
 * closes; and a bare `node -e ""` beside it, the part that is Node's own.
 */
export const startup: Workload = {
  name: 'startup',
  description:
    'a fresh process loading dist/, opening an existing SQLite store, one list, close: ms (and bare Node)',
  run: async (ctx) => {
    if (!measures(ctx, 'sqlite')) return;
    if (!existsSync(join(DIST, 'index.js'))) {
      ctx.emit({
        name: 'startup.open-engine',
        store: 'sqlite',
        unit: 'ms',
        skipped: 'dist/ is not built: npm run build',
      });
      return;
    }
    const store = tempSQLiteFile('startup');
    try {
      const open = `const { openEngine } = require(${JSON.stringify(DIST)});
        openEngine({ store: ${JSON.stringify(store.url)}, actor: 'bench' })
          .then((engine) => engine.list({ page_size: 1 }).then(() => engine.close()))
          .catch((e) => { console.error(e); process.exit(1); });`;
      await launch(open); // creates the schema: the timed launches open an existing store
      const values = await repeat(ctx.runs, async (run) => {
        const engine = await medianOf(open);
        const node = await medianOf('');
        progress(`startup: run ${run + 1} open ${engine.toFixed(0)} ms, bare node ${node.toFixed(0)} ms`);
        return { engine, node };
      });
      const note = `median of ${LAUNCHES} launches per run, spawn to exit`;
      ctx.emit(figureOf({ name: 'startup.open-engine', store: 'sqlite', unit: 'ms', note }, values.engine));
      ctx.emit(
        figureOf(
          { name: 'startup.node', store: 'none', unit: 'ms', note: `${note}; node -e "" alone` },
          values.node,
        ),
      );
    } finally {
      await store.cleanup();
    }
  },
};
