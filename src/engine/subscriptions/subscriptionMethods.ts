import type { EventStore } from '../../ports/eventStore';
import type { TaskState } from '../../domain/taskState';
import { getSubscriptionHub, HubStats } from './subscriptionHub';
import { decodeSubscribeOptions, SubscribeOptions } from './subscribeOptions';
import { subscribeFrom } from './subscribe';
import { subscribeNamed } from './namedSubscriber';
import type { SubscriptionItem } from './subscriptionItem';
import type { ReaderStart, ReaderStats } from './eventReader';

export type SubscriptionSettings = {
  /** How many live events the hub keeps for readers that lag a little (default 1024). */
  readonly liveBufferSize?: number;
  /** Events a catching-up reader takes from the store at once (default 500). */
  readonly batchSize?: number;
  /** A named subscriber checkpoints at least every this many items (default 100). */
  readonly checkpointEvery?: number;
};

/** The hub's state and the readers' counters: what a test or an operator looks at to see memory stay flat. */
export type SubscriptionStats = HubStats & ReaderStats;

export type SubscriptionMethods = {
  /**
   * Status changes (or all task events) from `from`, then a caught-up marker, then live ones.
   * Options are checked at once: a bad option throws here, not on the first pull.
   */
  subscribe(options?: SubscribeOptions): AsyncIterable<SubscriptionItem>;
};

export type SubscriptionDeps = {
  readonly store: EventStore;
  readonly loadTask: (id: string) => Promise<TaskState>;
  readonly now: () => string;
};

/** The engine's subscriptions: one hub (one store subscription) shared by every `subscribe`. */
export const getSubscriptions = (deps: SubscriptionDeps, settings: SubscriptionSettings = {}) => {
  const hub = getSubscriptionHub(deps.store, settings.liveBufferSize);
  // Summed over every reader: how often readers went to the store, and how often one lost its place.
  const readerStats: ReaderStats = { storeReads: 0, fellBehind: 0 };
  const subscribeDeps = {
    store: deps.store,
    hub,
    lookup: deps.loadTask,
    batchSize: settings.batchSize ?? 500,
  };

  const subscribe = (input: SubscribeOptions = {}): AsyncIterable<SubscriptionItem> => {
    const { signal, name, ...options } = decodeSubscribeOptions(input);
    const from: ReaderStart = options.from ?? 'start';
    const open = (start: ReaderStart, stop: AbortSignal) =>
      subscribeFrom(subscribeDeps, options, start, stop, readerStats);
    if (name !== undefined) {
      const every = options.checkpointEvery ?? settings.checkpointEvery ?? 100;
      return subscribeNamed(deps, name, from, every, open, signal);
    }
    return open(from, signal ?? new AbortController().signal);
  };

  const methods: SubscriptionMethods = { subscribe };
  const stats = (): SubscriptionStats => ({ ...hub.stats(), ...readerStats });
  return { methods, stats, close: () => hub.close() };
};
