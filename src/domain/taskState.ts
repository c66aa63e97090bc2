import type { Task } from './task';

/** A task as its stream folds: not yet created, alive, or deleted (its history stays). */
export type TaskState =
  | { readonly kind: 'absent' }
  | { readonly kind: 'live'; readonly task: Task }
  | { readonly kind: 'deleted'; readonly task: Task };

export const initialState: TaskState = { kind: 'absent' };
