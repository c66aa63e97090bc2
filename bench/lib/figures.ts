import { round, summarize } from './stats';

/**
 * One measured figure: the line format `npm run bench` prints (one JSON object per line on
 * stdout) and bench/report.ts reads. Extra fields say what a bare number cannot: the durability
 * a side had, why a peer failed, why a workload was skipped.
 */
export type Figure = {
  readonly name: string;
  readonly store: string;
  readonly unit: string;
  readonly median?: number;
  readonly min?: number;
  readonly max?: number;
  readonly runs?: number;
  readonly error?: string;
  readonly skipped?: string;
  readonly durability?: string;
  readonly note?: string;
};

/** The first line of a run: where and when the figures were measured. */
export type Environment = {
  readonly name: 'environment';
  readonly date: string;
  readonly cores: number;
  readonly cpu: string;
  readonly memoryGiB: number;
  readonly node: string;
  readonly postgres: string;
  readonly sqlite: string;
  readonly redis: string;
  readonly quick: boolean;
  readonly events: number;
};

export type Line = Figure | Environment;

export const isEnvironment = (line: Line): line is Environment => line.name === 'environment';

export const printLine = (line: Line) => {
  process.stdout.write(`${JSON.stringify(line)}\n`);
};

/** A figure from the values of several runs. */
export const figureOf = (
  base: { name: string; store: string; unit: string } & Partial<Figure>,
  values: readonly number[],
): Figure => {
  const s = summarize(values);
  return { ...base, median: round(s.median), min: round(s.min), max: round(s.max), runs: s.runs };
};

/** Reads the lines a run printed, ignoring anything that is not a JSON object with a name. */
export const parseLines = (text: string): Line[] =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('{'))
    .flatMap((l): Line[] => {
      try {
        const value: unknown = JSON.parse(l);
        return typeof value === 'object' && value !== null && 'name' in value ? [value as Line] : [];
      } catch {
        return [];
      }
    });
