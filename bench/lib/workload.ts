import type { BenchArgs } from './args';
import type { Figure } from './figures';

/** Sizes of the fixed workloads; `--quick` shrinks them, never changes what they do. */
export type Sizes = {
  readonly lifecycleTasks: number;
  readonly rawStreams: number;
  readonly peerTasks: number;
  readonly subscriptionSamples: number;
  readonly decideIterations: number;
  readonly workerTasks: number;
};

export const sizesFor = (quick: boolean): Sizes =>
  quick
    ? { lifecycleTasks: 100, rawStreams: 200, peerTasks: 40, subscriptionSamples: 50, decideIterations: 100_000, workerTasks: 400 }
    : { lifecycleTasks: 2_000, rawStreams: 2_000, peerTasks: 2_000, subscriptionSamples: 500, decideIterations: 1_000_000, workerTasks: 10_000 };

export type BenchContext = BenchArgs & {
  readonly sizes: Sizes;
  emit(figure: Figure): void;
};

export type Workload = {
  readonly name: string;
  /** What it measures, for `--help` and the report. */
  readonly description: string;
  run(ctx: BenchContext): Promise<void>;
};

/** Repeats a measurement `runs` times; each run returns named values (a figure per name). */
export const repeat = async <K extends string>(
  runs: number,
  measure: (run: number) => Promise<Record<K, number>>,
): Promise<Record<K, number[]>> => {
  const values = {} as Record<K, number[]>;
  for (let run = 0; run < runs; run++) {
    const result = await measure(run);
    for (const key of Object.keys(result) as K[]) (values[key] ??= []).push(result[key]);
  }
  return values;
};

export const messageOf = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error)).split('\n')[0]?.slice(0, 300) ?? 'unknown error';
