import * as t from 'io-ts';
import { isLeft } from 'fp-ts/Either';
import { strictObject, decodeWith, NonEmptyString } from '../../domain/decode';

const PositiveInteger = t.refinement(t.number, (n) => Number.isSafeInteger(n) && n > 0, 'PositiveInteger');
const Queues = t.refinement(t.array(NonEmptyString), (queues) => queues.length > 0, 'NonEmptyQueueList');

/** What a worker does with the tasks it is running when it is closed. */
export const OnClose = t.keyof({ finish: null, requeue: null });
export type OnClose = t.TypeOf<typeof OnClose>;

const WorkerSettingsCodec = strictObject(
  'WorkerOptions',
  { id: NonEmptyString, queues: Queues },
  {
    concurrency: PositiveInteger,
    heartbeatMs: PositiveInteger,
    flushMs: PositiveInteger,
    /** The slow fallback look for queued tasks, in case a subscription event was missed. */
    pollMs: PositiveInteger,
    onClose: OnClose,
    /** One report_metrics append carries at most this many reports. */
    maxMetricsPerAppend: PositiveInteger,
  },
);

/** Something went wrong that the worker survives (a heartbeat, a flush, a final report). */
export type WorkerErrorListener = (error: unknown, taskId?: string) => void;

/** Told each time a run ends, with what was recorded: for logs and progress displays. */
export type RunEndedListener = (
  taskId: string,
  ending: 'completed' | 'failed' | 'stopped' | 'requeued' | 'lost',
) => void;

/** What `engine.worker` takes. */
export type WorkerOptions = {
  readonly id: string;
  readonly queues: readonly string[];
  readonly concurrency?: number;
  readonly heartbeatMs?: number;
  readonly flushMs?: number;
  readonly pollMs?: number;
  readonly onClose?: OnClose;
  readonly maxMetricsPerAppend?: number;
  readonly onError?: WorkerErrorListener;
  readonly onRunEnded?: RunEndedListener;
};

export type WorkerSettings = {
  readonly id: string;
  readonly queues: readonly string[];
  readonly concurrency: number;
  readonly heartbeatMs: number;
  readonly flushMs: number;
  readonly pollMs: number;
  readonly onClose: OnClose;
  readonly maxMetricsPerAppend: number;
  readonly onError: WorkerErrorListener;
  readonly onRunEnded: RunEndedListener;
};

// A heartbeat every 30 s keeps a task well inside the 600 s a worker may stay silent (liveness).
export const DEFAULT_HEARTBEAT_MS = 30_000;
export const DEFAULT_FLUSH_MS = 1_000;
export const DEFAULT_POLL_MS = 5_000;
export const DEFAULT_MAX_METRICS_PER_APPEND = 1_000;

const decode = decodeWith(WorkerSettingsCodec, 'worker options');

/** Without a listener, a survived error still shows: as a process warning, never a crash. */
const warnAboutError: WorkerErrorListener = (error, taskId) =>
  process.emitWarning(
    `taskledger worker${taskId === undefined ? '' : ` (task ${taskId})`}: ${error instanceof Error ? error.message : String(error)}`,
  );

/** Checks the options at once (a bad one is `invalid_request`) and fills in the defaults. */
export const toWorkerSettings = (options: WorkerOptions): WorkerSettings => {
  const { onError, onRunEnded, ...rest } = options;
  const decoded = decode(rest);
  if (isLeft(decoded)) throw decoded.left;
  const given = decoded.right;
  return {
    id: given.id,
    queues: given.queues,
    concurrency: given.concurrency ?? 1,
    heartbeatMs: given.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
    flushMs: given.flushMs ?? DEFAULT_FLUSH_MS,
    pollMs: given.pollMs ?? DEFAULT_POLL_MS,
    onClose: given.onClose ?? 'finish',
    maxMetricsPerAppend: given.maxMetricsPerAppend ?? DEFAULT_MAX_METRICS_PER_APPEND,
    onError: onError ?? warnAboutError,
    onRunEnded: onRunEnded ?? (() => undefined),
  };
};
