/**
 * Every failure a caller can see, as a value with a stable `code` and the facts needed to act on it.
 * The domain returns them in `Either`; the engine throws them; the CLI prints them as JSON.
 */
export type ErrorCode =
  | 'invalid_request'
  | 'not_found'
  | 'already_exists'
  | 'invalid_transition'
  | 'conflict'
  | 'has_children'
  | 'store_unavailable'
  | 'corrupt_event';

export class TaskledgerError extends Error {
  override readonly name = 'TaskledgerError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }

  toJSON(): { code: ErrorCode; message: string } & Record<string, unknown> {
    return { code: this.code, message: this.message, ...this.details };
  }
}

export const isTaskledgerError = (e: unknown): e is TaskledgerError => e instanceof TaskledgerError;

export const invalidRequest = (message: string, path: string, extra: Record<string, unknown> = {}) =>
  new TaskledgerError('invalid_request', message, { path, ...extra });

export const notFound = (id: string) => new TaskledgerError('not_found', `task ${id} not found`, { id });

export const alreadyExists = (id: string) =>
  new TaskledgerError('already_exists', `task ${id} already exists`, { id });

export const invalidTransition = (args: {
  id: string;
  status: string;
  command: string;
  to?: string;
  allowed: readonly string[];
  message?: string;
}) =>
  new TaskledgerError(
    'invalid_transition',
    args.message ??
      `${args.command} is not allowed on task ${args.id} in status ${args.status}` +
        (args.to !== undefined ? ` (to ${args.to})` : ''),
    { id: args.id, from: args.status, to: args.to, command: args.command, allowed: args.allowed },
  );

export const hasChildren = (id: string, children: readonly string[]) =>
  new TaskledgerError('has_children', `task ${id} has published children: ${children.join(', ')}`, {
    id,
    children,
  });

/** A stored event that does not decode: an error naming where it is. */
export const corruptEvent = (position: bigint, reason: string, extra: Record<string, unknown> = {}) =>
  new TaskledgerError('corrupt_event', `event at position ${position} is corrupt: ${reason}`, {
    position: position.toString(),
    reason,
    ...extra,
  });
