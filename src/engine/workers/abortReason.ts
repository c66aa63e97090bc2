/**
 * Why a running handler's `ctx.signal` fired:
 * - `stop_requested`: someone asked the task to stop (`TaskStopRequested`); the task ends stopped.
 * - `closing`: the worker closes with `onClose: 'requeue'`; the task is stopped and queued again.
 * - `lost`: the task left this worker's hands (a watchdog or a user stopped it, it was reset,
 *   another worker started it); nothing more is reported for it.
 */
export type AbortWhy = 'stop_requested' | 'closing' | 'lost';

/** The signal's reason. Named `AbortError`, as fetch and timers name theirs, so common checks work. */
export class TaskAborted extends Error {
  override readonly name = 'AbortError';
  constructor(
    readonly why: AbortWhy,
    readonly taskId: string,
  ) {
    super(
      why === 'stop_requested'
        ? `a stop was requested for task ${taskId}`
        : why === 'closing'
          ? `the worker is closing and hands task ${taskId} back to its queue`
          : `task ${taskId} is no longer this worker's`,
    );
  }
}

export const abortWhyOf = (signal: AbortSignal): AbortWhy | undefined =>
  signal.aborted ? (signal.reason instanceof TaskAborted ? signal.reason.why : 'stop_requested') : undefined;
