import * as t from 'io-ts';

/** The statuses a task can have (ClearML's lifecycle without its transient `publishing`). */
export const Status = t.keyof({
  created: null,
  queued: null,
  in_progress: null,
  stopped: null,
  failed: null,
  completed: null,
  closed: null,
  published: null,
});
export type Status = t.TypeOf<typeof Status>;

export const statuses: readonly Status[] = [
  'created',
  'queued',
  'in_progress',
  'stopped',
  'failed',
  'completed',
  'closed',
  'published',
];

/** Statuses a queued task may return to when it is dequeued: where `enqueue` may come from. */
export const DequeueStatus = t.keyof({ created: null, stopped: null, failed: null });
export type DequeueStatus = t.TypeOf<typeof DequeueStatus>;

/** Nutanix's is_cancelable: a task can be cancelled while it waits or runs. */
export const isCancelable = (status: Status): boolean => status === 'queued' || status === 'in_progress';
