import type { EventStore, RecordedEvent } from '../../src/ports/eventStore';
import { matchesFilter } from '../../src/ports/eventStore';

/**
 * A read-only store over an array of recorded events that a test edits freely: the memory
 * store's log, tampered with, for verify to read. Events are kept in array order, which a test
 * may break on purpose (a swap).
 */
export const getTamperableStore = (log: RecordedEvent[]): EventStore => ({
  appendToStream: () => Promise.reject(new Error('read-only')),
  async *readStream(stream) {
    for (const event of log) if (event.streamName === stream) yield event;
  },
  async *readAll(options = {}) {
    const { fromPosition = 0n, maxCount = Number.MAX_SAFE_INTEGER, filter } = options;
    let count = 0;
    for (const event of log) {
      if (count >= maxCount) return;
      if (event.position < fromPosition || !matchesFilter(filter, event)) continue;
      count++;
      yield event;
    }
  },
  async *subscribeToAll() {
    const last = log[log.length - 1];
    yield { kind: 'caughtUp', position: last?.position ?? 0n };
  },
  close: async () => undefined,
});

export const readLog = async (store: EventStore): Promise<RecordedEvent[]> => {
  const log: RecordedEvent[] = [];
  for await (const event of store.readAll()) log.push(event);
  return log;
};
