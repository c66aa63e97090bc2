import type { EventStore } from '../../ports/eventStore';
import { TaskledgerError } from '../../domain/errors';
import { TASK_STREAM_PREFIX } from '../../domain/task';
import { getLiveRing, LiveRing } from './liveRing';

/**
 * One run of the store subscription: started by the first reader, stopped with the last, so an
 * idle engine holds no subscription. Readers share its ring and wait on it for news.
 */
export type HubRun = {
  readonly ring: LiveRing;
  /** The subscription has reached the head once: `ring.covered` is where the live part starts. */
  readonly ready: boolean;
  /** Set when the store subscription failed or ended; readers rethrow it. */
  readonly failure: unknown;
  /** The engine closed: readers end quietly. */
  readonly closed: boolean;
  /** Resolves on the next change to the run (an event, the caught-up marker, a failure, the end) or on abort. */
  changed(signal?: AbortSignal): Promise<void>;
};

export type HubStats = {
  readonly running: boolean;
  readonly readers: number;
  readonly buffered: number;
  readonly capacity: number;
};

export type SubscriptionHub = {
  acquire(): HubRun;
  release(run: HubRun): void;
  stats(): HubStats;
  /** Stops the store subscription and ends every reader; the hub can be used again afterwards. */
  close(): Promise<void>;
};

type MutableRun = {
  -readonly [K in keyof HubRun]: HubRun[K];
} & { readers: number; stop: AbortController; waiters: Set<() => void>; done: Promise<void> };

const subscriptionEnded = () =>
  new TaskledgerError('store_unavailable', 'the store subscription ended unexpectedly', {});

/**
 * ONE store subscription per engine (DESIGN.md section 4), fanned out to every `subscribe` in the
 * process through a bounded ring. The hub never waits for a reader: a reader slower than the live
 * stream loses its place in the ring and reads the store itself until it catches up, so memory is
 * the ring's capacity whatever the readers do.
 */
export const getSubscriptionHub = (store: EventStore, capacity = 1_024): SubscriptionHub => {
  let current: MutableRun | undefined;
  const runs = new Set<MutableRun>();

  const wake = (run: MutableRun) => {
    const waiters = [...run.waiters];
    run.waiters.clear();
    for (const resolve of waiters) resolve();
  };

  const start = (): MutableRun => {
    const run: MutableRun = {
      ring: getLiveRing(capacity),
      ready: false,
      failure: undefined,
      closed: false,
      readers: 0,
      stop: new AbortController(),
      waiters: new Set(),
      done: Promise.resolve(),
      changed: (signal) =>
        new Promise<void>((resolve) => {
          if (signal?.aborted || run.failure !== undefined || run.closed) return resolve();
          const onAbort = () => {
            run.waiters.delete(wakeUp);
            resolve();
          };
          const wakeUp = () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          };
          run.waiters.add(wakeUp);
          signal?.addEventListener('abort', onAbort, { once: true });
        }),
    };
    const filter = { streamPrefixes: [TASK_STREAM_PREFIX] };
    run.done = (async () => {
      try {
        for await (const message of store.subscribeToAll({ from: 'end', filter, signal: run.stop.signal })) {
          if (message.kind === 'event') run.ring.push(message.event);
          else {
            run.ring.cover(message.position);
            run.ready = true;
          }
          wake(run);
        }
        if (!run.stop.signal.aborted) run.failure = subscriptionEnded();
      } catch (error) {
        if (!run.stop.signal.aborted) run.failure = error ?? subscriptionEnded();
      } finally {
        // A failed run is never reused: the next reader starts a fresh subscription.
        if (current === run) current = undefined;
        wake(run);
      }
    })();
    runs.add(run);
    return run;
  };

  const stopRun = (run: MutableRun) => {
    run.stop.abort();
    runs.delete(run);
    if (current === run) current = undefined;
  };

  return {
    acquire: () => {
      current ??= start();
      current.readers++;
      return current;
    },
    release: (run) => {
      const held = [...runs].find((r) => r === run);
      if (held === undefined) return;
      held.readers--;
      if (held.readers <= 0) stopRun(held);
    },
    stats: () => ({
      running: current !== undefined,
      readers: current?.readers ?? 0,
      buffered: current?.ring.size ?? 0,
      capacity,
    }),
    close: async () => {
      const all = [...runs];
      for (const run of all) {
        run.closed = true;
        stopRun(run);
        wake(run);
      }
      await Promise.all(all.map((run) => run.done));
    },
  };
};
