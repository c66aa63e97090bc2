import type {
  EventStore,
  EventToAppend,
  RecordedEvent,
  AppendOptions,
  AppendResult,
  ReadStreamOptions,
  ReadAllOptions,
  SubscribeOptions,
  SubscriptionMessage,
} from '../../ports/eventStore';
import { matchesFilter } from '../../ports/eventStore';
import { assertExpectedRevision } from '../../ports/expectedRevision';
import { eventIdConflict } from '../../ports/storeErrors';
import { idempotentResult } from './idempotentAppend';
import { pollingSubscription } from './pollingSubscription';

/**
 * The in-memory store, for tests and embedding experiments: the same semantics as the durable
 * stores (the contract suite holds it to them), nothing kept after the process ends.
 */
export type MemoryEventStoreOptions = {
  /** Runs before the append becomes visible; if it throws, nothing is appended (inline projections). */
  readonly onAppended?: (events: readonly RecordedEvent[]) => void;
};

export interface MemoryEventStore extends EventStore {
  /** Reads a stream at once: what inline projections need inside an append. */
  readStreamSync(stream: string, fromRevision: bigint, toRevision: bigint): RecordedEvent[];
}

export const getMemoryEventStore = (options: MemoryEventStoreOptions = {}): MemoryEventStore => {
  const log: RecordedEvent[] = [];
  const streams = new Map<string, RecordedEvent[]>();
  const byId = new Map<string, RecordedEvent>();
  const waiters = new Set<() => void>();

  const appendToStream = async (
    stream: string,
    events: readonly EventToAppend[],
    { expectedRevision }: AppendOptions,
  ): Promise<AppendResult> => {
    const existing = streams.get(stream) ?? [];
    const replay = idempotentResult(stream, events, expectedRevision, (id) => byId.get(id));
    if (replay !== undefined) return replay;
    const actual = existing.length === 0 ? undefined : BigInt(existing.length - 1);
    assertExpectedRevision(stream, expectedRevision, actual);
    for (const event of events) if (byId.has(event.id)) throw eventIdConflict(stream, event.id);
    const recorded = events.map((event, i): RecordedEvent => ({
      ...structuredClone(event),
      streamName: stream,
      revision: BigInt(existing.length + i),
      position: BigInt(log.length + i + 1),
    }));
    options.onAppended?.(recorded);
    streams.set(stream, [...existing, ...recorded]);
    for (const event of recorded) {
      log.push(event);
      byId.set(event.id, event);
    }
    for (const wake of waiters) wake();
    const last = recorded[recorded.length - 1];
    return last === undefined
      ? { nextExpectedRevision: actual ?? -1n, position: BigInt(log.length) }
      : { nextExpectedRevision: last.revision, position: last.position };
  };

  async function* readStream(stream: string, options: ReadStreamOptions = {}): AsyncIterable<RecordedEvent> {
    const events = streams.get(stream) ?? [];
    const { fromRevision, toRevision, maxCount = Number.MAX_SAFE_INTEGER, direction = 'forwards' } = options;
    const ordered = direction === 'forwards' ? events : [...events].reverse();
    let count = 0;
    for (const event of ordered) {
      if (count >= maxCount) return;
      const inRange =
        direction === 'forwards'
          ? (fromRevision === undefined || event.revision >= fromRevision) &&
            (toRevision === undefined || event.revision <= toRevision)
          : (fromRevision === undefined || event.revision <= fromRevision) &&
            (toRevision === undefined || event.revision >= toRevision);
      if (!inRange) continue;
      count++;
      yield structuredClone(event);
    }
  }

  async function* readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    const { fromPosition = 0n, maxCount = Number.MAX_SAFE_INTEGER, filter } = options;
    let count = 0;
    for (let i = Math.max(0, Number(fromPosition) - 1); i < log.length && count < maxCount; i++) {
      const event = log[i];
      if (event === undefined || !matchesFilter(filter, event)) continue;
      count++;
      yield structuredClone(event);
    }
  }

  const subscribeToAll = (options: SubscribeOptions = {}): AsyncIterable<SubscriptionMessage> =>
    pollingSubscription(
      {
        readAll,
        headPosition: async () => BigInt(log.length),
        waitForAppend: (after, signal) =>
          new Promise<void>((resolve) => {
            if (BigInt(log.length) > after || signal.aborted) return resolve();
            const wake = () => {
              waiters.delete(wake);
              // Else every wait leaves a listener on the subscription's signal: a leak per append.
              signal.removeEventListener('abort', wake);
              resolve();
            };
            waiters.add(wake);
            signal.addEventListener('abort', wake, { once: true });
          }),
      },
      options,
    );

  const readStreamSync = (stream: string, fromRevision: bigint, toRevision: bigint) =>
    (streams.get(stream) ?? [])
      .filter((e) => e.revision >= fromRevision && e.revision <= toRevision)
      .map((e) => structuredClone(e));

  return {
    appendToStream,
    readStream,
    readAll,
    subscribeToAll,
    readStreamSync,
    close: async () => undefined,
  };
};
