import type { EventStore, RecordedEvent, EventFilter } from '../../ports/eventStore';
import { TASK_STREAM_PREFIX } from '../../domain/task';
import type { SubscriptionHub, HubRun } from './subscriptionHub';

export type ReaderMessage =
  | { readonly kind: 'event'; readonly event: RecordedEvent }
  | { readonly kind: 'caughtUp'; readonly position: bigint };

export type ReaderStart = 'start' | 'end' | { readonly after: bigint };

export type ReaderOptions = {
  readonly start: ReaderStart;
  /** Only these event types (task streams only, always). */
  readonly eventTypes?: readonly string[];
  readonly signal: AbortSignal;
  readonly batchSize: number;
};

/** Counts a reader keeps about itself, for tests and the curious: how often it fell behind the ring. */
export type ReaderStats = { storeReads: number; fellBehind: number };

const failIfBroken = (run: HubRun) => {
  if (run.failure !== undefined) throw run.failure;
};

/**
 * The events after `start`, in position order, each once: from the store while behind, from the
 * hub's ring once level with it, with a `caughtUp` marker the first time it is level. The
 * consumer pulls, so a slow one slows its own store reads; if it falls out of the ring it reads
 * the store again and rejoins, never holding more than one batch.
 */
export async function* readEvents(
  store: EventStore,
  hub: SubscriptionHub,
  options: ReaderOptions,
  stats: ReaderStats = { storeReads: 0, fellBehind: 0 },
): AsyncGenerator<ReaderMessage> {
  const { signal, batchSize, eventTypes } = options;
  const filter: EventFilter = { streamPrefixes: [TASK_STREAM_PREFIX], ...(eventTypes ? { eventTypes } : {}) };
  const wanted = (event: RecordedEvent) => eventTypes === undefined || eventTypes.includes(event.type);
  const run = hub.acquire();
  try {
    if (options.start === 'end') {
      while (!run.ready && !signal.aborted && !run.closed) {
        failIfBroken(run);
        await run.changed(signal);
      }
      failIfBroken(run);
    }
    let cursor =
      options.start === 'start'
        ? 0n
        : options.start === 'end'
          ? (run.ring.covered ?? 0n)
          : options.start.after;
    let caughtUp = false;

    while (!signal.aborted && !run.closed) {
      failIfBroken(run);
      const ring = run.ring;
      if (run.ready && ring.floor <= cursor) {
        // Level with the hub: take events from the ring until it is empty past us, then wait.
        let seq = ring.firstAfter(cursor);
        while (!signal.aborted && !run.closed && seq >= ring.oldestSeq) {
          const event = ring.at(seq);
          if (event !== undefined) {
            seq++;
            cursor = event.position;
            if (wanted(event)) yield { kind: 'event', event };
            continue;
          }
          const covered = ring.covered ?? cursor;
          if (covered > cursor) cursor = covered;
          if (!caughtUp) {
            caughtUp = true;
            yield { kind: 'caughtUp', position: cursor };
            continue; // the ring may have moved while the consumer held the marker: look again
          }
          await run.changed(signal);
          failIfBroken(run);
        }
        if (seq < ring.oldestSeq) stats.fellBehind++;
        continue;
      }

      // Behind the hub: read a batch from the store. Everything the hub had covered before the
      // read began was visible to the read, so a short read may move the cursor up to it even
      // when the filter matched nothing there.
      const coveredBefore = run.ready ? ring.covered : undefined;
      stats.storeReads++;
      let read = 0;
      for await (const event of store.readAll({
        fromPosition: cursor + 1n,
        maxCount: batchSize,
        batchSize,
        filter,
      })) {
        read++;
        cursor = event.position;
        yield { kind: 'event', event };
        if (signal.aborted || run.closed) return;
      }
      if (read < batchSize) {
        if (coveredBefore !== undefined && coveredBefore > cursor) cursor = coveredBefore;
        // Until the hub knows where the head is there is nothing to join: wait for it.
        if (!run.ready) await run.changed(signal);
      }
    }
  } finally {
    hub.release(run);
  }
}
