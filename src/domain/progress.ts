import type { Status } from './status';

/** Progress never goes back while the task runs (Nutanix leaves this open; we decide it). */
export const nextProgress = (status: Status, current: number, reported: number): number =>
  status === 'in_progress' ? Math.max(current, reported) : reported;
