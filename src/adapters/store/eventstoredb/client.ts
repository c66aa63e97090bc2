import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  START,
  type AllStreamResolvedEvent,
} from '@eventstore/db-client';
import { invalidRequest, isTaskledgerError } from '../../../domain/errors';
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  EventToAppend,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  SubscriptionMessage,
} from '../../../ports/eventStore';
import { storeUnavailable } from '../../../ports/storeErrors';
import {
  fromEventStoreDBError,
  fromRecordedEvent,
  isStreamMissing,
  isTransientEventStoreDBError,
  isWrongExpectedVersion,
  matchesOnClient,
  toAppendExpectedRevision,
  toConflict,
  toEventData,
  toPosition,
  toReadPosition,
  toSubscriptionFilter,
  toSubscriptionPosition,
} from './mapping';
import { readableQueue } from './readableQueue';

export type EventStoreDBEventStoreOptions = {
  /** `esdb://host:2113?tls=false` or `esdb+discover://…` */
  readonly connectionString: string;
  /** An existing client (shared, or a test double); the store disposes of it on close all the same. */
  readonly client?: EventStoreDBClient;
  /** Backoff between resubscriptions after a dropped subscription. */
  readonly resubscribeDelayMs?: { readonly initial: number; readonly max: number };
};

export interface EventStoreDBEventStore extends EventStore {
  readonly client: EventStoreDBClient;
  /** Reads the head of $all: fails with `store_unavailable` when the server cannot be reached. */
  checkConnection(): Promise<void>;
}

const STREAM_BATCH = 500;
const ALL_BATCH = 1000;

const connect = (connectionString: string) => {
  try {
    return EventStoreDBClient.connectionString(connectionString);
  } catch (e) {
    throw invalidRequest(
      `EventStoreDB connection string is not valid: ${e instanceof Error ? e.message : String(e)}`,
      'store',
    );
  }
};

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/**
 * EventStoreDB store: every call to @eventstore/db-client is here, every translation in
 * mapping.ts. Task streams are `task-<id>`, positions are commit positions, event ids are ours.
 */
export const getEventStoreDBEventStore = (options: EventStoreDBEventStoreOptions): EventStoreDBEventStore => {
  const client = options.client ?? connect(options.connectionString);
  const { initial: initialDelay, max: maxDelay } = options.resubscribeDelayMs ?? { initial: 100, max: 5000 };
  const closing = new AbortController();

  const lastPositionOf = async (stream: string): Promise<bigint> => {
    for await (const resolved of client.readStream(stream, {
      direction: BACKWARDS,
      fromRevision: END,
      maxCount: 1,
    })) {
      const position = resolved.event?.position?.commit ?? resolved.commitPosition;
      if (position !== undefined) return position;
    }
    return 0n;
  };

  const appendToStream = async (
    stream: string,
    events: readonly EventToAppend[],
    { expectedRevision }: AppendOptions,
  ): Promise<AppendResult> => {
    try {
      const result = await client.appendToStream(stream, events.map(toEventData), {
        expectedRevision: toAppendExpectedRevision(expectedRevision),
      });
      // Servers before 21.10 do not return the position; read it back then.
      const position = result.position?.commit ?? (await lastPositionOf(stream));
      return { nextExpectedRevision: result.nextExpectedRevision, position };
    } catch (e) {
      if (isWrongExpectedVersion(e)) throw toConflict(stream, expectedRevision, e);
      throw fromEventStoreDBError(e);
    }
  };

  async function* readStream(
    stream: string,
    readOptions: ReadStreamOptions = {},
  ): AsyncIterable<RecordedEvent> {
    const { maxCount = Number.MAX_SAFE_INTEGER, direction = 'forwards', toRevision } = readOptions;
    const isForwards = direction === 'forwards';
    let from = readOptions.fromRevision;
    let left = maxCount;
    try {
      while (left > 0) {
        const limit = Math.min(STREAM_BATCH, left);
        let read = 0;
        let last: bigint | undefined;
        for await (const resolved of client.readStream(stream, {
          direction: isForwards ? FORWARDS : BACKWARDS,
          fromRevision: from ?? (isForwards ? START : END),
          maxCount: limit,
        })) {
          read++;
          if (resolved.event === undefined) continue;
          last = resolved.event.revision;
          if (toRevision !== undefined && (isForwards ? last > toRevision : last < toRevision)) return;
          yield fromRecordedEvent(resolved.event, resolved.commitPosition);
          left--;
        }
        if (read < limit || last === undefined || (!isForwards && last === 0n)) return;
        from = isForwards ? last + 1n : last - 1n;
      }
    } catch (e) {
      if (isStreamMissing(e)) return;
      throw fromEventStoreDBError(e);
    }
  }

  async function* readAll(readOptions: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    const { maxCount = Number.MAX_SAFE_INTEGER, batchSize = ALL_BATCH, filter } = readOptions;
    let from = toReadPosition(readOptions.fromPosition);
    // Reads from a position include it: every batch after the first starts on the last event seen.
    let seen: bigint | undefined;
    let left = maxCount;
    try {
      for (;;) {
        const limit = batchSize + (seen === undefined ? 0 : 1);
        let read = 0;
        for await (const resolved of client.readAll({
          fromPosition: from,
          direction: FORWARDS,
          maxCount: limit,
        })) {
          read++;
          const event = resolved.event;
          if (event === undefined) continue;
          const position = event.position.commit;
          if (seen !== undefined && position <= seen) continue;
          seen = position;
          if (!matchesOnClient(filter, event)) continue;
          yield fromRecordedEvent(event);
          if (--left <= 0) return;
        }
        if (read < limit || seen === undefined) return;
        from = toPosition(seen);
      }
    } catch (e) {
      throw fromEventStoreDBError(e);
    }
  }

  const headPosition = async (): Promise<bigint> => {
    for await (const resolved of client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 })) {
      if (resolved.event !== undefined) return resolved.event.position.commit;
    }
    return 0n;
  };

  /**
   * A catch-up subscription filtered on the server. The client does not resubscribe: after a
   * drop this does, with backoff, from the last event it delivered, so nothing is skipped or
   * repeated; `caughtUp` (the server's, 23.10+) is passed on once.
   */
  async function* subscribeToAll(
    subscribeOptions: SubscribeOptions = {},
  ): AsyncIterable<SubscriptionMessage> {
    const { from = 'start', filter } = subscribeOptions;
    const signal =
      subscribeOptions.signal === undefined
        ? closing.signal
        : AbortSignal.any([subscribeOptions.signal, closing.signal]);
    let after: bigint | undefined;
    try {
      after = from === 'start' ? undefined : from === 'end' ? await headPosition() : from.after;
    } catch (e) {
      throw fromEventStoreDBError(e);
    }
    let caughtUp = false;
    let delay = initialDelay;
    while (!signal.aborted) {
      const subscription = client.subscribeToAll({
        fromPosition: toSubscriptionPosition(after),
        filter: toSubscriptionFilter(filter),
      });
      try {
        for await (const item of readableQueue<AllStreamResolvedEvent>(subscription, 'caughtUp', signal)) {
          if (item.kind === 'marker') {
            if (!caughtUp) {
              caughtUp = true;
              yield { kind: 'caughtUp', position: after ?? 0n };
            }
            continue;
          }
          const event = item.value.event;
          if (event === undefined) continue;
          const position = event.position.commit;
          if (after !== undefined && position <= after) continue;
          after = position;
          delay = initialDelay;
          if (matchesOnClient(filter, event)) yield { kind: 'event', event: fromRecordedEvent(event) };
        }
        return;
      } catch (e) {
        if (signal.aborted) return;
        if (!isTransientEventStoreDBError(e)) throw fromEventStoreDBError(e);
        await sleep(delay, signal);
        delay = Math.min(delay * 2, maxDelay);
      } finally {
        await subscription.unsubscribe().catch(() => undefined);
      }
    }
  }

  const close = async () => {
    if (closing.signal.aborted) return;
    closing.abort();
    await client.dispose();
  };

  const checkConnection = async () => {
    try {
      await headPosition();
    } catch (e) {
      const mapped = fromEventStoreDBError(e);
      throw isTaskledgerError(mapped) ? mapped : storeUnavailable('eventstoredb', e);
    }
  };

  return { appendToStream, readStream, readAll, subscribeToAll, close, client, checkConnection };
};
