import type { Task } from '../../src/domain/task';
import type { Status } from '../../src/domain/status';
import { isCancelable } from '../../src/domain/status';
import type { TaskState } from '../../src/domain/taskState';

export const T0 = '2026-01-01T00:00:00.000Z';

/** A task document in any status, for decide tests that start mid-life. */
export const aTask = (status: Status, overrides: Partial<Task> = {}): Task => ({
  id: 't1',
  name: 'train',
  type: 'training',
  user: 'alice',
  tags: [],
  system_tags: [],
  comment: '',
  status,
  status_reason: '',
  status_message: '',
  created: T0,
  status_changed: T0,
  last_update: T0,
  last_changed_by: 'alice',
  execution: { parameters: {}, artifacts: [] },
  output: {},
  last_metrics: {},
  progress_percentage: 0,
  sub_steps: [],
  error_messages: [],
  warnings: [],
  is_cancelable: isCancelable(status),
  ...overrides,
});

export const live = (task: Task): TaskState => ({ kind: 'live', task });
