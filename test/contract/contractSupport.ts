import { randomUUID } from 'node:crypto';
import type {
  EventStore,
  EventToAppend,
  JsonObject,
  RecordedEvent,
  SubscribeOptions,
  SubscriptionMessage,
} from '../../src/ports/eventStore';

export type ContractOptions<S extends EventStore> = {
  /** Runs once after the suite (drop schemas, delete temp folders). */
  readonly cleanup?: () => Promise<void>;
  /** Makes the stored event at `position` undecodable; without it the corrupt-event cases are skipped. */
  readonly corrupt?: (store: S, position: bigint) => Promise<void>;
  /**
   * EventStoreDB deduplicates event ids only within a stream and by id alone: it does not refuse a
   * used id in another stream, nor a different event under a used id at the same place.
   */
  readonly refusesReusedEventIds?: boolean;
};

export type ContractContext<S extends EventStore> = {
  readonly store: () => S;
  readonly options: ContractOptions<S>;
};

/** Stream names unique to one test, so the contract also runs against a shared log (EventStoreDB). */
export const streamsFor = () => {
  const prefix = `contract${randomUUID().replace(/-/g, '').slice(0, 12)}-`;
  return {
    prefix,
    stream: (name: string | number) => `${prefix}${name}`,
    filter: { streamPrefixes: [prefix] },
  };
};

export const anEvent = (
  type = 'TaskCreated',
  data: JsonObject = { title: 'write the contract' },
): EventToAppend => ({
  id: randomUUID(),
  type,
  data,
  metadata: { commandId: randomUUID() },
});

export const someEvents = (count: number, type = 'TaskCreated') =>
  Array.from({ length: count }, (_, i) => anEvent(type, { n: i }));

export const collect = async <T>(iterable: AsyncIterable<T>): Promise<T[]> => {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
};

export const idsOf = (events: readonly { id: string }[]) => events.map((e) => e.id);

/** Rejects with a TaskledgerError of `code` whose details include `details`. */
export const expectFailure = async (
  promise: Promise<unknown>,
  code: string,
  details: Record<string, unknown> = {},
) => {
  await expect(promise).rejects.toMatchObject({ code, details: expect.objectContaining(details) });
};

export const expectStrictlyIncreasing = (positions: readonly bigint[]) => {
  positions.forEach((position, i) => {
    const previous = positions[i - 1];
    if (previous !== undefined && position <= previous) {
      throw new Error(`position ${position} at index ${i} does not follow ${previous}`);
    }
  });
};

/**
 * Pulls a subscription step by step. A missing message shows as the test's timeout, never as a
 * timing assertion; an unexpected second `caughtUp` or an early end fails at once.
 */
export const openSubscription = (store: EventStore, options: Omit<SubscribeOptions, 'signal'> = {}) => {
  const controller = new AbortController();
  const iterator = store.subscribeToAll({ ...options, signal: controller.signal })[Symbol.asyncIterator]();

  const next = async (): Promise<SubscriptionMessage> => {
    const result = await iterator.next();
    if (result.done === true) throw new Error('the subscription ended');
    return result.value;
  };

  const untilCaughtUp = async () => {
    const events: RecordedEvent[] = [];
    for (;;) {
      const message = await next();
      if (message.kind === 'caughtUp') return { events, position: message.position };
      events.push(message.event);
    }
  };

  const takeEvents = async (count: number) => {
    const events: RecordedEvent[] = [];
    while (events.length < count) {
      const message = await next();
      if (message.kind !== 'event') throw new Error('a second caughtUp');
      events.push(message.event);
    }
    return events;
  };

  const stop = async () => {
    controller.abort();
    await iterator.return?.();
  };

  return { next, untilCaughtUp, takeEvents, stop, abort: () => controller.abort(), iterator };
};
