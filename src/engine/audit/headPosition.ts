import type { EventStore, EventFilter } from '../../ports/eventStore';

/**
 * The position of the last event a reader can see now. The port has no "head" call, but every
 * store's subscription from the end opens with a `caughtUp` marker at the head, so we ask that.
 */
export const headPosition = async (store: EventStore, filter?: EventFilter): Promise<bigint> => {
  const stop = new AbortController();
  try {
    for await (const message of store.subscribeToAll({
      from: 'end',
      signal: stop.signal,
      ...(filter ? { filter } : {}),
    })) {
      if (message.kind === 'caughtUp') return message.position;
    }
    return 0n;
  } finally {
    stop.abort();
  }
};
