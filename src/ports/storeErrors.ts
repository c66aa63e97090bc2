import { TaskledgerError } from '../domain/errors';

/** A stored event that does not decode: an error naming where it is, never skipped. */
export const corruptEvent = (position: bigint, reason: string, extra: Record<string, unknown> = {}) =>
  new TaskledgerError('corrupt_event', `event at position ${position} is corrupt: ${reason}`, {
    position: position.toString(),
    reason,
    ...extra,
  });

export const storeUnavailable = (store: string, cause: unknown) =>
  new TaskledgerError(
    'store_unavailable',
    `store ${store} is unavailable: ${cause instanceof Error ? cause.message : String(cause)}`,
    { store },
  );

/** An event id already used by a different event, or at a different place. */
export const eventIdConflict = (stream: string, id: string) =>
  new TaskledgerError('conflict', `event id ${id} is already used by a different event`, {
    stream,
    eventId: id,
  });
