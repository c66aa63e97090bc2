import type { Artifact, Task } from '../../domain/task';

/** A metric report as a handler gives it; `timestamp` defaults to the moment of the call. */
export type MetricInput = {
  readonly metric: string;
  readonly variant: string;
  readonly iteration: number;
  readonly value: number;
  readonly timestamp?: string;
};

/**
 * What a handler gets beside its task. Reports are buffered and flushed together (see
 * taskReporter.ts), so they cost the handler nothing; `flush` waits for them to land.
 */
export type TaskContext = {
  readonly workerId: string;
  /** Fires when the task should stop: its `reason` is a TaskAborted saying why. */
  readonly signal: AbortSignal;
  reportMetrics(reports: MetricInput | readonly MetricInput[]): void;
  /** 0..100, never going back while the task runs; `step` records a completed sub-step. */
  progress(percentage: number, step?: string): void;
  addArtifacts(artifacts: readonly Artifact[]): Promise<void>;
  /** A line for the execution's record (its reasons), flushed with the reports. */
  log(message: string): void;
  /** The same, marked as a warning: it never fails the task. */
  warn(message: string): void;
  /** Waits until everything reported so far has been appended. */
  flush(): Promise<void>;
};

export type TaskHandler = (task: Task, ctx: TaskContext) => Promise<unknown>;
