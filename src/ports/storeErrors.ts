import { TaskledgerError } from '../domain/errors';

/** A stored event that does not decode: see domain/errors.ts. */
export { corruptEvent } from '../domain/errors';

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
