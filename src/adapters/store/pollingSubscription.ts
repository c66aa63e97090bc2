import type {
  RecordedEvent,
  ReadAllOptions,
  SubscribeOptions,
  SubscriptionMessage,
} from '../../ports/eventStore';

/** What a store offers a subscription: batched reads, its head, and a way to wait for news. */
export type SubscriptionSource = {
  readAll(options: ReadAllOptions): AsyncIterable<RecordedEvent>;
  /** The highest position a reader may see now. */
  headPosition(): Promise<bigint>;
  /** Resolves once something may have been appended after `after` (or a poll interval passed), or on abort. */
  waitForAppend(after: bigint, signal: AbortSignal): Promise<void>;
  /**
   * Optional, once caught up: one read that also says how far it looked (`head`: every matching
   * event up to it from `fromPosition` is in `events`, unless `maxCount` cut them short). Where
   * the head costs a query of its own, this saves a round trip per delivery.
   */
  readLive?(options: ReadAllOptions, signal: AbortSignal): Promise<LiveRead>;
};

export type LiveRead = { readonly events: readonly RecordedEvent[]; readonly head: bigint };

const DEFAULT_BATCH = 500;

/**
 * Catch-up then live, over any store that can read in batches: read after the last delivered
 * position until a read comes back short, say `caughtUp` once, then wait and read again.
 * The consumer pulls, so a slow consumer slows the reads instead of filling memory.
 */
export async function* pollingSubscription(
  source: SubscriptionSource,
  options: SubscribeOptions,
): AsyncIterable<SubscriptionMessage> {
  const { from = 'start', filter, signal: outer, batchSize = DEFAULT_BATCH, gather } = options;
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  outer?.addEventListener('abort', onAbort, { once: true });
  try {
    let after = from === 'start' ? 0n : from === 'end' ? await source.headPosition() : from.after;
    let caughtUp = false;
    while (!stop.signal.aborted) {
      if (caughtUp && source.readLive !== undefined) {
        const { events, head } = await source.readLive(
          { fromPosition: after + 1n, maxCount: batchSize, filter },
          stop.signal,
        );
        for (const event of events) {
          if (stop.signal.aborted) return;
          yield { kind: 'event', event };
        }
        const last = events[events.length - 1]?.position ?? after;
        if (events.length === batchSize) {
          after = last;
          continue;
        }
        after = [after, last, head].reduce((a, b) => (b > a ? b : a));
        if (stop.signal.aborted) return;
        await source.waitForAppend(after, stop.signal);
        if (gather !== undefined && !stop.signal.aborted) await gather(stop.signal);
        continue;
      }
      // The head is read first: everything up to it is visible to the read that follows, so
      // after a short read the subscription may skip to it even when the filter matched nothing.
      const head = await source.headPosition();
      let read = 0;
      let last = after;
      for await (const event of source.readAll({ fromPosition: after + 1n, maxCount: batchSize, filter })) {
        if (stop.signal.aborted) return;
        read++;
        last = event.position;
        yield { kind: 'event', event };
      }
      if (read === batchSize) {
        after = last;
        continue;
      }
      after = head > last ? head : last;
      if (!caughtUp) {
        caughtUp = true;
        yield { kind: 'caughtUp', position: after };
      }
      if (stop.signal.aborted) return;
      await source.waitForAppend(after, stop.signal);
      if (gather !== undefined && !stop.signal.aborted) await gather(stop.signal);
    }
  } finally {
    outer?.removeEventListener('abort', onAbort);
  }
}
