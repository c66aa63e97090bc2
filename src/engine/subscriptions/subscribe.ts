import type { EventStore } from '../../ports/eventStore';
import { decodeStoredEvent } from '../../domain/events';
import { statusMoveOf, statusMoveEventTypes } from '../../domain/statusMove';
import type { SubscriptionHub } from './subscriptionHub';
import { readEvents, ReaderStart, ReaderStats } from './eventReader';
import { getChangeMatcher, TaskLookup } from './changeFilter';
import type { DecodedSubscribeOptions } from './subscribeOptions';
import { SubscriptionItem, toChangeItem, toEventItem } from './subscriptionItem';

export type SubscribeDeps = {
  readonly store: EventStore;
  readonly hub: SubscriptionHub;
  readonly lookup: TaskLookup;
  readonly batchSize: number;
};

/** The event types worth reading from the store: a status subscriber never reads metrics. */
const typesToRead = (options: DecodedSubscribeOptions): readonly string[] | undefined => {
  const types = options.filter?.types;
  if (options.events === 'all') return types;
  return types === undefined ? statusMoveEventTypes : statusMoveEventTypes.filter((t) => types.includes(t));
};

/**
 * Status changes (or every task event) after `start`, filtered, with the caught-up marker. Each
 * stored event is decoded here: one that does not decode stops the subscription with
 * `corrupt_event` rather than being skipped.
 */
export async function* subscribeFrom(
  deps: SubscribeDeps,
  options: DecodedSubscribeOptions,
  start: ReaderStart,
  signal: AbortSignal,
  stats?: ReaderStats,
): AsyncGenerator<SubscriptionItem> {
  const matches = getChangeMatcher(options.filter, deps.lookup);
  const eventTypes = typesToRead(options);
  const reader = readEvents(
    deps.store,
    deps.hub,
    { start, signal, batchSize: options.batchSize ?? deps.batchSize, ...(eventTypes ? { eventTypes } : {}) },
    stats,
  );
  for await (const message of reader) {
    if (message.kind === 'caughtUp') {
      yield message;
      continue;
    }
    const recorded = message.event;
    const event = decodeStoredEvent(recorded);
    const item = options.events === 'all' ? toEventItem(recorded, event) : toChangeItem(recorded, event);
    if (item === undefined) continue;
    if (!(await matches(item.taskId, event, statusMoveOf(event)))) continue;
    yield item;
  }
}
