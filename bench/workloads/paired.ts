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
import { measures } from '../lib/args';

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

/** The raw one-row insert, one transaction per event, at the store's default durability. */
const RAW = 'raw.insert.tx-per-event';

const rawOnce = (ctx: BenchContext, store: 'sqlite' | 'postgres'): Side => ({
  name: RAW,
  measure: () => {
    const events = rawEvents(ctx.sizes.rawStreams);
    return store === 'sqlite' ? insertRate(events, 'FULL', 1) : autocommitRate(events, 1);
  },
});

/**
 * A store's sides, in the order a round runs them: a target's two sides next to each other (the
 * lifecycle, then Emmett where it is in the rounds), then the raw insert and the async runs.
 */
const sidesOf = (ctx: BenchContext, store: 'sqlite' | 'postgres'): Side[] => {
  const peer = (callers: number) => (store === 'postgres' ? [emmettOnce(ctx, store, callers)] : []);
  return [
    lifecycleOnce(ctx, store, 1),
    ...peer(1),
    lifecycleOnce(ctx, store, 8),
    ...peer(8),
    rawOnce(ctx, store),
    lifecycleOnce(ctx, store, 1, 'async'),
    lifecycleOnce(ctx, store, 8, 'async'),
  ];
};

/** Each lifecycle against the raw insert (the targets, then context), and async against inline. */
const ownPairs: Pair[] = [1, 8].flatMap((callers) => {
  const inline = `lifecycle.${modeName(callers)}`;
  const async = `${inline}.async-projections`;
  return [
    { ours: inline, reference: RAW },
    { ours: async, reference: inline },
    { ours: async, reference: RAW },
  ];
});

/**
 * What each store's rounds measure and which ratios they give: the targets against the raw
 * insert and Emmett PostgreSQL, and the async-projection context rows. Emmett SQLite is left
 * out: it runs 5× slower than taskledger, far from its bound, and a round of it takes over a
 * minute.
 */
const plansOf = (ctx: BenchContext): { store: string; sides: Side[]; pairs: Pair[] }[] => [
  { store: 'sqlite', sides: sidesOf(ctx, 'sqlite'), pairs: ownPairs },
  {
    store: 'postgres',
    sides: sidesOf(ctx, 'postgres'),
    pairs: [
      ...ownPairs,
      { ours: 'lifecycle.sequential', reference: 'peer.emmett.sequential' },
      { ours: 'lifecycle.concurrent8', reference: 'peer.emmett.concurrent8' },
      { ours: 'lifecycle.sequential.async-projections', reference: 'peer.emmett.sequential' },
    ],
  },
];

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
    for (const { store, sides, pairs } of plansOf(ctx).filter((plan) => measures(ctx, plan.store))) {
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
