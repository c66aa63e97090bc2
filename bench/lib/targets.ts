/** A figure by name, store and unit. */
export type FigureKey = { readonly name: string; readonly store: string; readonly unit: string };

/**
 * The targets of issue 7, each a ratio of two figures of the same run (or one figure against a
 * bound), as bench/report.ts checks them.
 */
export type Target = {
  readonly what: string;
  readonly ours: FigureKey;
  /** The peer or raw figure the ratio divides by; absent for an absolute bound. */
  readonly reference?: FigureKey;
  /** Used when `reference` has no figure: Emmett SQLite measured while retrying its own lock errors. */
  readonly fallback?: FigureKey;
  readonly op: '>=' | '<=';
  readonly bound: number;
  /** Also measured in interleaved rounds (workloads/paired.ts): the verdict then uses those. */
  readonly paired?: boolean;
};

/** The name of a figure as the paired workload measures it. */
export const pairedName = (name: string) => `paired.${name}`;
/** The name of the paired workload's figure of per-round ratios. */
export const pairedRatioName = (ours: string, reference: string) => `paired.${ours}÷${reference}`;

const ev = (name: string, store: string): FigureKey => ({ name, store, unit: 'events/s' });

export const targets: readonly Target[] = [
  { what: 'lifecycle SQLite, 1 caller ÷ Emmett SQLite', ours: ev('lifecycle.sequential', 'sqlite'), reference: ev('peer.emmett.sequential', 'sqlite'), fallback: ev('peer.emmett.sequential.retrying', 'sqlite'), op: '>=', bound: 3 },
  { what: 'lifecycle SQLite, 8 callers ÷ Emmett SQLite', ours: ev('lifecycle.concurrent8', 'sqlite'), reference: ev('peer.emmett.concurrent8', 'sqlite'), fallback: ev('peer.emmett.concurrent8.retrying', 'sqlite'), op: '>=', bound: 3 },
  { what: 'lifecycle PostgreSQL, 1 caller ÷ Emmett PostgreSQL', ours: ev('lifecycle.sequential', 'postgres'), reference: ev('peer.emmett.sequential', 'postgres'), paired: true, op: '>=', bound: 1.5 },
  { what: 'lifecycle PostgreSQL, 8 callers ÷ Emmett PostgreSQL', ours: ev('lifecycle.concurrent8', 'postgres'), reference: ev('peer.emmett.concurrent8', 'postgres'), paired: true, op: '>=', bound: 1.5 },
  { what: 'lifecycle SQLite, 1 caller ÷ raw insert, 1 tx per event (FULL)', ours: ev('lifecycle.sequential', 'sqlite'), reference: ev('raw.insert.tx-per-event', 'sqlite'), paired: true, op: '>=', bound: 0.6 },
  { what: 'lifecycle SQLite, 8 callers ÷ raw insert, 1 tx per event (FULL)', ours: ev('lifecycle.concurrent8', 'sqlite'), reference: ev('raw.insert.tx-per-event', 'sqlite'), paired: true, op: '>=', bound: 2 },
  { what: 'lifecycle PostgreSQL, 1 caller ÷ raw autocommit insert, 1 connection', ours: ev('lifecycle.sequential', 'postgres'), reference: ev('raw.insert.tx-per-event', 'postgres'), paired: true, op: '>=', bound: 0.6 },
  { what: 'lifecycle PostgreSQL, 8 callers ÷ raw autocommit insert, 1 connection', ours: ev('lifecycle.concurrent8', 'postgres'), reference: ev('raw.insert.tx-per-event', 'postgres'), paired: true, op: '>=', bound: 2 },
  { what: 'rebuild SQLite ÷ raw full scan of the same log', ours: ev('rebuild', 'sqlite'), reference: ev('raw.scan.log', 'sqlite'), op: '>=', bound: 0.5 },
  { what: 'rebuild peak RSS (MB)', ours: { name: 'rebuild.peak-rss', store: 'sqlite', unit: 'MB' }, op: '<=', bound: 300 },
  { what: 'decide (µs per decision)', ours: { name: 'decide', store: 'none', unit: 'µs/decision' }, op: '<=', bound: 3 },
  ...(['memory', 'sqlite', 'postgres'] as const).map(
    (store): Target => ({ what: `subscription p99 in-process, ${store} (ms)`, ours: { name: 'subscription.in-process.p99', store, unit: 'ms' }, op: '<=', bound: 5 }),
  ),
  { what: 'subscription p99 across processes, PostgreSQL (ms)', ours: { name: 'subscription.cross-process.p99', store: 'postgres', unit: 'ms' }, op: '<=', bound: 25 },
  ...(['sqlite', 'postgres'] as const).map(
    (store): Target => ({
      what: `workers on ${store === 'sqlite' ? 'SQLite' : 'PostgreSQL'} ÷ BullMQ (durable and audited vs in-memory Redis)`,
      ours: { name: 'workers.taskledger', store, unit: 'tasks/s' },
      reference: { name: 'workers.bullmq', store: 'redis', unit: 'tasks/s' },
      op: '>=',
      bound: 0.5,
    }),
  ),
];

/** Ratios worth showing that the issue sets no target for. */
export const context: readonly Omit<Target, 'op' | 'bound'>[] = [
  { what: 'lifecycle PostgreSQL, 8 callers ÷ raw autocommit insert, 8 connections', ours: ev('lifecycle.concurrent8', 'postgres'), reference: ev('raw.insert.tx-per-event.8conn', 'postgres') },
  { what: 'lifecycle SQLite, 8 callers ÷ raw insert, 1,000 per tx', ours: ev('lifecycle.concurrent8', 'sqlite'), reference: ev('raw.insert.batched1000', 'sqlite') },
  { what: 'verify SQLite ÷ raw full scan of the same log', ours: ev('verify', 'sqlite'), reference: ev('raw.scan.log', 'sqlite') },
  { what: 'Emmett SQLite, 1 appender ÷ raw insert, 1 tx per event (FULL)', ours: ev('peer.emmett.sequential', 'sqlite'), reference: ev('raw.insert.tx-per-event', 'sqlite') },
  { what: 'Emmett PostgreSQL, 8 appenders ÷ raw autocommit insert, 8 connections', ours: ev('peer.emmett.concurrent8', 'postgres'), reference: ev('raw.insert.tx-per-event.8conn', 'postgres') },
  // `?projections=async`: the read models follow in batches; the figure includes their catching up.
  ...(['sqlite', 'postgres'] as const).flatMap((store) => {
    const label = store === 'sqlite' ? 'SQLite' : 'PostgreSQL';
    const seq = ev('lifecycle.sequential.async-projections', store);
    const eight = ev('lifecycle.concurrent8.async-projections', store);
    return [
      { what: `lifecycle ${label} async projections, 1 caller ÷ the same inline`, ours: seq, reference: ev('lifecycle.sequential', store), paired: true },
      { what: `lifecycle ${label} async projections, 8 callers ÷ the same inline`, ours: eight, reference: ev('lifecycle.concurrent8', store), paired: true },
      // Emmett SQLite is not in the paired rounds (workloads/paired.ts); Emmett PostgreSQL is.
      { what: `lifecycle ${label} async projections, 1 caller ÷ Emmett`, ours: seq, reference: ev(store === 'sqlite' ? 'peer.emmett.sequential.retrying' : 'peer.emmett.sequential', store), paired: store === 'postgres' },
      { what: `lifecycle ${label} async projections, 1 caller ÷ raw insert, 1 tx per event`, ours: seq, reference: ev('raw.insert.tx-per-event', store), paired: true },
      { what: `lifecycle ${label} async projections, 8 callers ÷ raw insert, 1 tx per event`, ours: eight, reference: ev('raw.insert.tx-per-event', store), paired: true },
    ];
  }),
];
