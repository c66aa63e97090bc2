import type { Task } from '../domain/task';
import type { TaskState } from '../domain/taskState';

/**
 * ClearML's `{ updated, fields }`, plus where the change landed: the stream revision (for a
 * caller's next compare-and-set) and the global position (to wait for a read model).
 */
export type CommandResult = {
  readonly id: string;
  readonly updated: 0 | 1;
  /** The task fields this command wrote; a field it removed is null. */
  readonly fields: Readonly<Record<string, unknown>>;
  readonly revision: bigint;
  readonly position: bigint;
  /** True when the command id had been handled before: nothing was appended this time. */
  readonly duplicate?: true;
};

const taskOf = (state: TaskState): Partial<Task> => (state.kind === 'absent' ? {} : state.task);

/** The top-level task fields that differ between two folds. */
export const changedFields = (before: TaskState, after: TaskState): Record<string, unknown> => {
  const a: Record<string, unknown> = taskOf(before);
  const b: Record<string, unknown> = taskOf(after);
  const fields: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    // evolve keeps untouched fields by reference, so most keys are settled without serialising;
    // only two distinct objects need comparing by value.
    const before = a[key];
    const after = b[key];
    if (before === after) continue;
    const bothObjects =
      typeof before === 'object' && typeof after === 'object' && before !== null && after !== null;
    if (!bothObjects || JSON.stringify(before) !== JSON.stringify(after)) fields[key] = after ?? null;
  }
  return fields;
};
