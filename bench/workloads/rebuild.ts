import { runChild } from '../lib/child';
import { figureOf } from '../lib/figures';
import { generatedLog } from '../lib/generatedLog';
import { repeat, Workload } from '../lib/workload';
import type { RebuildResult } from '../children/rebuildChild';
import { measures } from '../lib/args';

/**
 * `engine.rebuild()` of every projection from a generated log of `--events` events (default
 * 1,000,000) on SQLite, each run in a fresh process for its peak RSS; and, on the same file,
 * the raw limit it is held to: better-sqlite3 scanning every row with JSON.parse.
 */
export const rebuild: Workload = {
  name: 'rebuild',
  description: 'engine.rebuild() of all projections from a 1,000,000-event SQLite log (--events), events/s and peak RSS',
  run: async (ctx) => {
    if (!measures(ctx, 'sqlite')) return;
    const log = await generatedLog(ctx.events);
    const store = 'sqlite';
    const values = await repeat(ctx.runs, async () => {
      const { result, maxRssMB } = await runChild<RebuildResult>('rebuildChild.ts', { path: log.path, mode: 'rebuild' });
      if (result.events !== log.events) throw new Error(`rebuild folded ${result.events} of ${log.events} events`);
      const scan = await runChild<{ rate: number; rows: number }>('scanChild.ts', { path: log.path });
      return { rate: result.events / result.seconds, maxRss: maxRssMB, sampled: result.peakMB, before: result.beforeMB, scan: scan.result.rate };
    });
    const events = `${log.events} events`;
    ctx.emit(figureOf({ name: 'rebuild', store, unit: 'events/s', note: events }, values.rate));
    ctx.emit(
      figureOf(
        {
          name: 'rebuild.peak-rss',
          store,
          unit: 'MB',
          note: `maxRSS of the whole child process (Node + tsx + engine); RSS when rebuild began: ${Math.round(Math.max(...values.before))} MB, highest sampled during it: ${Math.round(Math.max(...values.sampled))} MB`,
        },
        values.maxRss,
      ),
    );
    ctx.emit(figureOf({ name: 'raw.scan.log', store, unit: 'events/s', note: `${events}, same file, iterate + JSON.parse` }, values.scan));
  },
};
