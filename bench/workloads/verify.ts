import { runChild } from '../lib/child';
import { figureOf } from '../lib/figures';
import { generatedLog } from '../lib/generatedLog';
import { messageOf, repeat, BenchContext, Workload } from '../lib/workload';
import type { VerifyResult } from '../children/verifyChild';
import { measures } from '../lib/args';

/**
 * V8's old space for the capped runs: far below the ~400 MB of JSON in a 1,000,000-event log,
 * above what verify must keep for the log's 100,000 streams (a few fields each).
 */
const HEAP_CAP_MB = 96;

const verifyIn = async (path: string, events: number, execArgv: readonly string[] = []) => {
  const { result, maxRssMB } = await runChild<VerifyResult>('verifyChild.ts', { path }, { execArgv });
  // A verify that found breaks in a log made to be valid measured the wrong thing.
  if (!result.ok || result.events !== events)
    throw new Error(`verify: ok=${result.ok}, ${result.broken} broken streams, ${result.events} of ${events} events`);
  return { rate: result.events / result.seconds, maxRss: maxRssMB, sampled: result.peakMB, before: result.beforeMB };
};

const rssNote = (values: { before: number[]; sampled: number[] }) =>
  `maxRSS of the whole child process (Node + tsx + engine); RSS when verify began: ${Math.round(Math.max(...values.before))} MB, highest sampled during it: ${Math.round(Math.max(...values.sampled))} MB`;

/** Runs one variant `runs` times and emits its rate and peak RSS, or one error line. */
const variant = async (ctx: BenchContext, name: string, note: string, once: () => ReturnType<typeof verifyIn>) => {
  const store = 'sqlite';
  try {
    const values = await repeat(ctx.runs, once);
    ctx.emit(figureOf({ name, store, unit: 'events/s', note }, values.rate));
    ctx.emit(figureOf({ name: `${name}.peak-rss`, store, unit: 'MB', note: `${note}; ${rssNote(values)}` }, values.maxRss));
  } catch (e) {
    ctx.emit({ name, store, unit: 'events/s', note, error: messageOf(e) });
  }
};

/**
 * `engine.verify()` over the same generated log as rebuild, each run in a fresh process: as is,
 * with V8's heap capped, and on a log a tenth the size — memory that does not grow with the
 * events shows as a capped run that still completes and a peak RSS that barely moves between
 * the sizes. (Folds in the earlier standalone bench/verify.ts.)
 */
export const verify: Workload = {
  name: 'verify',
  description: 'engine.verify() of the same 1,000,000-event SQLite log (also heap-capped, and a 10× smaller log): events/s and peak RSS',
  run: async (ctx) => {
    if (!measures(ctx, 'sqlite')) return;
    const log = await generatedLog(ctx.events);
    const small = await generatedLog(Math.max(10, Math.round(ctx.events / 100) * 10));
    await variant(ctx, 'verify', `${log.events} events`, () => verifyIn(log.path, log.events));
    await variant(ctx, 'verify.heap-capped', `${log.events} events, --max-old-space-size=${HEAP_CAP_MB}`, () =>
      verifyIn(log.path, log.events, [`--max-old-space-size=${HEAP_CAP_MB}`]),
    );
    await variant(ctx, 'verify.small-log', `${small.events} events`, () => verifyIn(small.path, small.events));
  },
};
