import type { Task } from './task';

/** ClearML's task_update_timeout: a worker silent for longer is no longer active. */
export const DEFAULT_WORKER_TIMEOUT_MS = 600_000;

const elapsedMs = (from: string, to: string) => Date.parse(to) - Date.parse(from);

/** A task has an active worker when its worker pinged or reported within the timeout. */
export const hasActiveWorker = (task: Task, now: string, timeoutMs: number): boolean =>
  task.worker !== undefined &&
  task.last_worker_report !== undefined &&
  elapsedMs(task.last_worker_report, now) < timeoutMs;

/** ClearML's active_duration: seconds since `started`, refreshed while the task runs. */
export const activeDuration = (task: Task, at: string): number | undefined =>
  task.status === 'in_progress' && task.started !== undefined
    ? Math.max(0, elapsedMs(task.started, at) / 1000)
    : task.active_duration;
