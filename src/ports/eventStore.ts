import type { ExpectedRevision } from './expectedRevision';

/** A JSON object: what event data and metadata are. */
export type JsonObject = { readonly [key: string]: unknown };

/** An event on its way in: the id makes retries idempotent. */
export type EventToAppend = {
  readonly id: string;
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata: JsonObject;
};

/** An event as stored: where it sits in its stream (revision, 0-based) and in the log (position). */
export type RecordedEvent = EventToAppend & {
  readonly streamName: string;
  readonly revision: bigint;
  /** Global, strictly increasing, never 0: 0n means "before the first event". */
  readonly position: bigint;
};

export type AppendOptions = { readonly expectedRevision: ExpectedRevision };

export type AppendResult = {
  /** The revision of the stream's last event: what to expect on the next append. */
  readonly nextExpectedRevision: bigint;
  /** The position of the last event appended. */
  readonly position: bigint;
};

export type ReadStreamOptions = {
  readonly fromRevision?: bigint;
  readonly toRevision?: bigint;
  readonly maxCount?: number;
  readonly direction?: 'forwards' | 'backwards';
};

/** Server-side filter: an event passes when it matches every given part. */
export type EventFilter = {
  readonly eventTypes?: readonly string[];
  readonly streamPrefixes?: readonly string[];
};

export type ReadAllOptions = {
  /** Inclusive; defaults to the start. */
  readonly fromPosition?: bigint;
  readonly maxCount?: number;
  /** How many events a read holds in memory at once. */
  readonly batchSize?: number;
  readonly filter?: EventFilter;
};

/** Where a subscription starts: `after` is exclusive, so a stored position resumes with the next event. */
export type SubscriptionStart = 'start' | 'end' | { readonly after: bigint };

export type SubscribeOptions = {
  readonly from?: SubscriptionStart;
  readonly filter?: EventFilter;
  readonly signal?: AbortSignal;
  readonly batchSize?: number;
  /**
   * For consumers that batch anyway: once live, a store may await this after hearing of an
   * append and before reading, so that a burst costs one read instead of one per append. It
   * delays delivery only; order and completeness are unchanged. Stores that push (EventStoreDB)
   * ignore it.
   */
  readonly gather?: (signal: AbortSignal) => Promise<void>;
};

/** A subscription yields every matching event once, in order, then `caughtUp`, then live events. */
export type SubscriptionMessage =
  | { readonly kind: 'event'; readonly event: RecordedEvent }
  | { readonly kind: 'caughtUp'; readonly position: bigint };

/**
 * The store port (DESIGN.md section 4), with EventStoreDB's semantics on every store:
 * atomic append with its expected-revision check, idempotent by event id, positions that a
 * reader never sees out of order, reads streamed in batches.
 */
export interface EventStore {
  appendToStream(
    stream: string,
    events: readonly EventToAppend[],
    options: AppendOptions,
  ): Promise<AppendResult>;
  /** A missing stream reads as empty. */
  readStream(stream: string, options?: ReadStreamOptions): AsyncIterable<RecordedEvent>;
  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent>;
  /**
   * Optional: `readAll` a batch at a time (each at most `batchSize` events, never empty), for
   * readers that work in batches anyway — one await per batch instead of one per event, which
   * a rebuild of millions of events notices. `readAllInBatches` falls back to grouping `readAll`.
   */
  readAllBatches?(options?: ReadAllOptions): AsyncIterable<readonly RecordedEvent[]>;
  subscribeToAll(options?: SubscribeOptions): AsyncIterable<SubscriptionMessage>;
  close(): Promise<void>;
}

export const matchesFilter = (filter: EventFilter | undefined, event: { type: string; streamName: string }) =>
  filter === undefined ||
  ((filter.eventTypes === undefined || filter.eventTypes.includes(event.type)) &&
    (filter.streamPrefixes === undefined ||
      filter.streamPrefixes.some((p) => event.streamName.startsWith(p))));

/** `readAll` in batches of at most `batchSize` (default 1,000): the store's own when it has them. */
export async function* readAllInBatches(
  store: EventStore,
  options: ReadAllOptions = {},
): AsyncIterable<readonly RecordedEvent[]> {
  if (store.readAllBatches !== undefined) {
    yield* store.readAllBatches(options);
    return;
  }
  const size = options.batchSize ?? 1_000;
  let batch: RecordedEvent[] = [];
  for await (const event of store.readAll(options)) {
    batch.push(event);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/**
 * The position of the last event a reader can see now (of those `filter` matches). The port has
 * no "head" call, but every store's subscription from the end opens with a `caughtUp` marker at
 * the head, so we ask that. On PostgreSQL it is also a wait: the head is the horizon, below
 * which no writer still in flight can commit.
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
