import { isEnvironment, type Figure, type Line } from './figures';
import { summarize, type Summary } from './stats';

/** The two builds a comparison measures: `base` is the older one, `head` the one under test. */
export type Side = 'base' | 'head';

/**
 * Which side runs first in pair `pair` (from 0): base first, then head first, and so on. A machine
 * that drifts during the comparison (it does: see LIMITS.md) then weighs on both sides alike.
 */
export const pairOrder = (pair: number): readonly [Side, Side] =>
  pair % 2 === 0 ? ['base', 'head'] : ['head', 'base'];

/** The figures each side printed in one pair (one `--runs 1` bench run each). */
export type Pair = { readonly base: readonly Line[]; readonly head: readonly Line[] };

/** Whether a larger value of this unit is better, smaller is, or the unit does not say. */
export const betterWhen = (unit: string): 'higher' | 'lower' | undefined => {
  if (unit.endsWith('/s') || unit === '×') return 'higher';
  if (unit === 'ms' || unit === 'MB' || unit.startsWith('µs')) return 'lower';
  return undefined;
};

/** One figure measured on both sides: each side's summary over the pairs, and head ÷ base per pair. */
export type ComparedFigure = {
  readonly name: string;
  readonly store: string;
  readonly unit: string;
  readonly base: Summary;
  readonly head: Summary;
  /** head ÷ base of each pair where both sides measured it, summarised. */
  readonly ratio: Summary;
  readonly better: 'higher' | 'lower' | undefined;
  /** In how many pairs head measured above base, below it, or the same. */
  readonly pairs: { readonly above: number; readonly below: number; readonly same: number };
  /**
   * The two-sided sign test's p-value: how likely a split at least this lopsided is when the
   * change does nothing and each pair is a coin toss. 3 of 3 pairs one way gives 0.25.
   */
  readonly signTestP: number;
  /** What a side said instead of a number (an error, a skip), at most once per side and message. */
  readonly problems: readonly string[];
};

/** The exact two-sided sign test for `a` pairs one way and `b` the other (ties left out). */
export const signTestP = (a: number, b: number): number => {
  const n = a + b;
  if (n === 0) return 1;
  let tail = 0;
  let choose = 1; // C(n, k), from k = 0
  for (let k = 0; k <= Math.min(a, b); k++) {
    tail += choose;
    choose = (choose * (n - k)) / (k + 1);
  }
  return Math.min(1, (2 * tail) / 2 ** n);
};

const keyOf = (f: Figure) => `${f.name}\u0000${f.store}\u0000${f.unit}`;

/**
 * Pairs up the figures the two sides printed: a figure counts in a pair only when both sides
 * gave it a number, so one failed run shortens that figure's series instead of skewing it.
 * Figures appear in the order the bench first printed them.
 */
export const compareFigures = (pairs: readonly Pair[]): ComparedFigure[] => {
  type Series = { figure: Figure; base: number[]; head: number[]; ratios: number[]; problems: Set<string> };
  const series = new Map<string, Series>();
  const seriesOf = (figure: Figure) => {
    let s = series.get(keyOf(figure));
    if (s === undefined)
      series.set(keyOf(figure), (s = { figure, base: [], head: [], ratios: [], problems: new Set() }));
    return s;
  };
  for (const pair of pairs) {
    const bySide = { base: new Map<string, Figure>(), head: new Map<string, Figure>() };
    for (const side of ['base', 'head'] as const)
      for (const line of pair[side]) {
        if (isEnvironment(line)) continue;
        bySide[side].set(keyOf(line), line);
        const problem = line.error ?? line.skipped;
        if (problem !== undefined) seriesOf(line).problems.add(`${side}: ${problem}`);
      }
    for (const [key, base] of bySide.base) {
      const head = bySide.head.get(key);
      if (head?.median === undefined || base.median === undefined) continue;
      const s = seriesOf(base);
      s.base.push(base.median);
      s.head.push(head.median);
      if (base.median !== 0) s.ratios.push(head.median / base.median);
    }
  }
  return [...series.values()].flatMap(({ figure, base, head, ratios, problems }): ComparedFigure[] => {
    if (base.length === 0 && problems.size === 0) return [];
    const above = ratios.filter((r) => r > 1).length;
    const below = ratios.filter((r) => r < 1).length;
    return [
      {
        name: figure.name,
        store: figure.store,
        unit: figure.unit,
        base: summarize(base),
        head: summarize(head),
        ratio: summarize(ratios),
        better: betterWhen(figure.unit),
        pairs: { above, below, same: ratios.length - above - below },
        signTestP: signTestP(above, below),
        problems: [...problems],
      },
    ];
  });
};
