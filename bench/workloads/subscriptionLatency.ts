import { runChild } from '../lib/child';
import { figureOf } from '../lib/figures';
import type { EngineStoreKind } from '../lib/benchStores';
import type { LatencySummary } from '../lib/latencyRuns';
import { progress } from '../lib/progress';
import { messageOf, repeat, BenchContext, Workload } from '../lib/workload';
import type { SubscriberInput } from '../children/subscriberChild';
import { measures } from '../lib/args';

const measure = async (ctx: BenchContext, mode: SubscriberInput['mode'], kind: EngineStoreKind) => {
  const name = `subscription.${mode}`;
  try {
    const values = await repeat(ctx.runs, async (run) => {
      const input: SubscriberInput = { mode, kind, samples: ctx.sizes.subscriptionSamples, run };
      const { result } = await runChild<LatencySummary>('subscriberChild.ts', input);
      progress(
        `${name} ${kind}: run ${run + 1} p50 ${result.p50.toFixed(2)} ms, p99 ${result.p99.toFixed(2)} ms`,
      );
      return result;
    });
    const note = `${ctx.sizes.subscriptionSamples} samples per run, one in flight, each run in a fresh process; from just before the append call to delivery`;
    ctx.emit(figureOf({ name: `${name}.p50`, store: kind, unit: 'ms', note }, values.p50));
    ctx.emit(figureOf({ name: `${name}.p99`, store: kind, unit: 'ms', note }, values.p99));
  } catch (e) {
    ctx.emit({ name: `${name}.p99`, store: kind, unit: 'ms', error: messageOf(e) });
  }
};

/**
 * Append → delivery to an `engine.subscribe` status subscriber: in-process on memory, SQLite and
 * PostgreSQL, and from another process appending to the same SQLite file or PostgreSQL schema.
 * Each run is a fresh process (subscriberChild.ts), so no figure depends on the workloads before it.
 */
export const subscriptionLatency: Workload = {
  name: 'subscription',
  description:
    'append → engine.subscribe delivery, p50/p99, in-process (memory, SQLite, PostgreSQL) and across processes',
  run: async (ctx) => {
    for (const kind of ['memory', 'sqlite', 'postgres'] as const)
      if (measures(ctx, kind)) await measure(ctx, 'in-process', kind);
    for (const kind of ['sqlite', 'postgres'] as const)
      if (measures(ctx, kind)) await measure(ctx, 'cross-process', kind);
  },
};
