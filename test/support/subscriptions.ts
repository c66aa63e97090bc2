import type { SubscriptionItem, StatusChangeItem } from '../../src/engine/subscriptions/subscriptionItem';
import type { Engine } from '../../src/engine/engine';

/** Pulls items one at a time from a subscription, so a test can interleave pulls and commands. */
export const puller = (iterable: AsyncIterable<SubscriptionItem>) => {
  const iterator = iterable[Symbol.asyncIterator]();
  const next = async (): Promise<SubscriptionItem> => {
    const result = await iterator.next();
    if (result.done === true) throw new Error('the subscription ended');
    return result.value;
  };
  return {
    next,
    /** Every item before the caught-up marker, and the marker. */
    untilCaughtUp: async () => {
      const items: SubscriptionItem[] = [];
      for (;;) {
        const item = await next();
        if (item.kind === 'caughtUp') return { items, caughtUp: item };
        items.push(item);
      }
    },
    take: async (n: number) => {
      const items: SubscriptionItem[] = [];
      while (items.length < n) items.push(await next());
      return items;
    },
    close: async () => {
      await iterator.return?.();
    },
  };
};

/** What a change says, without where it sits: for comparing with an expected list. */
export const summary = (item: SubscriptionItem) =>
  item.kind === 'change'
    ? `${item.taskId} ${item.from}>${item.to} ${item.event}`
    : item.kind === 'event'
      ? `${item.taskId} ${item.type}`
      : 'caughtUp';

export const changes = (items: readonly SubscriptionItem[]): StatusChangeItem[] =>
  items.filter((i): i is StatusChangeItem => i.kind === 'change');

/** Every status change in the log, read the slow, obvious way: the oracle filters are checked against. */
export const allChanges = async (engine: Engine): Promise<StatusChangeItem[]> => {
  const { items } = await puller(engine.subscribe({ from: 'start' })).untilCaughtUp();
  return changes(items);
};
