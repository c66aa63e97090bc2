import { runChild } from '../lib/child';
import type { LifecycleInput, LifecycleRun } from '../children/lifecycleChild';
import type { PeerInput, PeerRun } from '../children/peerChild';
import { figureOf } from '../lib/figures';
import { progress } from '../lib/progress';
import { rawEvents } from '../lib/rawEvents';
import { pairedName, pairedRatioName, type FigureKey } from '../lib/targets';
import type { EngineStoreKind } from '../lib/benchStores';
import { messageOf, BenchContext, Workload } from '../lib/workload';
import { modeName } from './lifecycle';
import { insertRate } from './rawSQLite';
import { autocommitRate } from './rawPostgres';

/** One side of a ratio: a figure name and how to measure it once, in events/s. */
type Side = { readonly name: string; readonly measure: () => Promise<number> };

/** A ratio target measured in rounds: `ours` over `reference`, both measured in every round. */
type Pair = { readonly ours: string; readonly reference: string };

const lifecycleOnce = (
  ctx: BenchContext,
  store: EngineStoreKind,
  callers: number,
  projections: LifecycleInput['projections'] = 'inline',
): Side => ({
  name: `lifecycle.${modeName(callers)}${projections === 'async' ? '.async-projections' : ''}`,
  measure: async () => {
    const input: LifecycleInput = {
      store,
      projections,
      callers,
      tasks: ctx.sizes.lifecycleTasks,
      runs: 1,
      warmupTasks: Math.min(100, ctx.sizes.lifecycleTasks),
    };
    const [run] = (await runChild<LifecycleRun[]>('lifecycleChild.ts', input)).result;
    if (run === undefined) throw new Error('the lifecycle child returned no run');
    return run.events / run.seconds;
  },
});

const emmettOnce = (ctx: BenchContext, store: 'postgres', callers: number): Side => ({
  name: `peer.emmett.${modeName(callers)}`,
  measure: async () => {
    const input: PeerInput = {
      store,
      callers,
      tasks: ctx.sizes.peerTasks,
      runs: 1,
      warmupTasks: 20,
      retry: false,
    };
    const runs = (await runChild<PeerRun[]>('peerChild.ts', input)).result;
    const ok = runs.find((r) => r.ok);
    if (ok === undefined || !ok.ok)
      throw new Error(`Emmett failed: ${runs.map((r) => (r.ok ? '' : r.error)).join('; ')}`);
    return ok.events / ok.seconds;
  },
});

const rawOnce = (ctx: BenchContext, store: 'sqlite' | 'postgres'): Side => ({
  name: 'raw.insert.tx-per-event',
  measure: () => {
    const events = rawEvents(ctx.sizes.rawStreams);
    return store === 'sqlite' ? insertRate(events, 'FULL', 1) : autocommitRate(events, 1);
  },
});

/** Async projections against the default inline and against the raw insert, 1 and 8 callers. */
const asyncPairs: Pair[] = [1, 8].flatMap((callers) => [
  { ours: `lifecycle.${modeName(callers)}.async-projections`, reference: `lifecycle.${modeName(callers)}` },
  { ours: `lifecycle.${modeName(callers)}.async-projections`, reference: 'raw.insert.tx-per-event' },
]);

/**
 * What each store's rounds measure and which ratios they give: the targets against the raw
 * insert and Emmett PostgreSQL, and async projections against inline (context, no target).
 * Emmett SQLite is left out: it runs 5× slower than taskledger, far from its bound, and a round
 * of it takes over a minute.
 */
const plansOf = (ctx: BenchContext) =>
  [
    {
      store: 'sqlite' as const,
      sides: [
        lifecycleOnce(ctx, 'sqlite', 1),
        lifecycleOnce(ctx, 'sqlite', 8),
        rawOnce(ctx, 'sqlite'),
        lifecycleOnce(ctx, 'sqlite', 1, 'async'),
        lifecycleOnce(ctx, 'sqlite', 8, 'async'),
      ],
      pairs: [
        { ours: 'lifecycle.sequential', reference: 'raw.insert.tx-per-event' },
        { ours: 'lifecycle.concurrent8', reference: 'raw.insert.tx-per-event' },
        ...asyncPairs,
      ],
    },
    {
      store: 'postgres' as const,
      sides: [
        lifecycleOnce(ctx, 'postgres', 1),
        emmettOnce(ctx, 'postgres', 1),
        lifecycleOnce(ctx, 'postgres', 8),
        emmettOnce(ctx, 'postgres', 8),
        rawOnce(ctx, 'postgres'),
        lifecycleOnce(ctx, 'postgres', 1, 'async'),
        lifecycleOnce(ctx, 'postgres', 8, 'async'),
      ],
      pairs: [
        { ours: 'lifecycle.sequential', reference: 'peer.emmett.sequential' },
        { ours: 'lifecycle.concurrent8', reference: 'peer.emmett.concurrent8' },
        { ours: 'lifecycle.sequential', reference: 'raw.insert.tx-per-event' },
        { ours: 'lifecycle.concurrent8', reference: 'raw.insert.tx-per-event' },
        ...asyncPairs,
        { ours: 'lifecycle.sequential.async-projections', reference: 'peer.emmett.sequential' },
      ],
    },
  ] satisfies { store: string; sides: Side[]; pairs: Pair[] }[];

/**
 * The ratio targets again, measured in rounds: each round runs every side once, back to back (in
 * reverse order every other round, so no side always goes first), and a round's ratio divides
 * figures measured a few minutes apart at most. On a shared virtual machine whose speed drifts by
 * a third within an hour, the separate workloads' medians can be measured at different speeds;
 * the median of the rounds' ratios much less so. Each side also gets a figure.
 */
export const paired: Workload = {
  name: 'paired',
  description:
    'the lifecycle ratios to Emmett PostgreSQL, to the raw insert and of async to inline projections, in interleaved rounds',
  run: async (ctx) => {
    for (const { store, sides, pairs } of plansOf(ctx)) {
      try {
        const rates = new Map<string, number[]>(sides.map((side) => [side.name, []]));
        for (let round = 0; round < ctx.runs; round++) {
          const order = round % 2 === 0 ? sides : [...sides].reverse();
          for (const side of order) {
            const rate = await side.measure();
            rates.get(side.name)?.push(rate);
            progress(
              `paired ${store} round ${round + 1}/${ctx.runs}: ${side.name} ${Math.round(rate)} events/s`,
            );
          }
        }
        const note = `${ctx.runs} rounds, each side once per round, back to back`;
        for (const [name, values] of rates)
          ctx.emit(figureOf({ name: pairedName(name), store, unit: 'events/s', note }, values));
        for (const { ours, reference } of pairs) {
          const a = rates.get(ours) ?? [];
          const b = rates.get(reference) ?? [];
          const key: FigureKey = { name: pairedRatioName(ours, reference), store, unit: '×' };
          ctx.emit(
            figureOf(
              { ...key, note: `${ours} ÷ ${reference} within each round` },
              a.map((x, i) => x / (b[i] ?? Number.NaN)),
            ),
          );
        }
      } catch (e) {
        ctx.emit({ name: 'paired', store, unit: '×', error: messageOf(e) });
      }
    }
  },
};
