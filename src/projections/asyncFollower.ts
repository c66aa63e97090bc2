import type { EventStore, RecordedEvent } from '../ports/eventStore';

export type AsyncFollowerOptions = {
  readonly store: EventStore;
  /** Events per read and per read-model transaction. */
  readonly batchSize: number;
  /** How long appends gather before the follower reads them (0: read each at once). */
  readonly lingerMs: number;
  /** Where following starts: the slowest checkpoint. */
  readonly startAfter: () => Promise<bigint>;
  /** Folds one batch into the read models and moves their checkpoints, in one transaction. */
  readonly apply: (batch: RecordedEvent[]) => Promise<void>;
  /** Whether every projection has folded the event at `position`. */
  readonly reached: (position: bigint) => Promise<boolean>;
  /** Called after every applied batch, by this follower or a catch-up. */
  readonly onApplied: Set<() => void>;
};

/**
 * Async mode: the read models follow the store's subscription (`follow`), and a query that
 * must see this engine's own writes waits for them (`waitFor`).
 */
export const getAsyncFollower = (options: AsyncFollowerOptions) => {
  const { store, batchSize, lingerMs, startAfter, apply, reached, onApplied } = options;
  // How many `waitFor`s are pending, and how to cut the follower's gathering short.
  let waiters = 0;
  let hurryFollower: (() => void) | undefined;

  /**
   * Follows the store's subscription until `signal` aborts. A reader fills a bounded buffer and
   * the applier takes whatever has gathered, so a burst of appends costs one read-model
   * transaction, not one each; a full buffer makes the reader wait. Once live, the store lets
   * appends gather for `lingerMs` before it reads (cut short when a `waitFor` needs them):
   * applying a trickle one append at a time would cost more than the inline mode it is meant
   * to beat. The commits need not be durable: rows and checkpoint are lost together, and the
   * next catch-up folds them again.
   */
  const follow = async (signal: AbortSignal) => {
    const after = await startAfter();
    const buffer: RecordedEvent[] = [];
    let reading = true;
    let failure: unknown;
    let wakeApplier: (() => void) | undefined;
    let wakeReader: (() => void) | undefined;
    // The applier wakes once the reader has pushed all it has at hand (a whole read), not at its first event.
    let wakeScheduled = false;
    const wakeAfterPushes = () => {
      if (wakeScheduled) return;
      wakeScheduled = true;
      setImmediate(() => {
        wakeScheduled = false;
        wakeApplier?.();
      });
    };
    const gather = (stop: AbortSignal) =>
      new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          stop.removeEventListener('abort', done);
          hurryFollower = undefined;
          resolve();
        };
        const timer = setTimeout(done, waiters > 0 ? 0 : lingerMs);
        hurryFollower = done;
        stop.addEventListener('abort', done, { once: true });
      });
    const reader = (async () => {
      const subscription = store.subscribeToAll({
        from: { after },
        signal,
        batchSize,
        ...(lingerMs > 0 ? { gather } : {}),
      });
      for await (const message of subscription) {
        if (message.kind !== 'event') continue;
        buffer.push(message.event);
        if (buffer.length >= batchSize) wakeApplier?.();
        else wakeAfterPushes();
        if (buffer.length >= 2 * batchSize) await new Promise<void>((resolve) => (wakeReader = resolve));
      }
    })()
      .catch((e: unknown) => {
        if (!signal.aborted) failure = e;
      })
      .finally(() => {
        reading = false;
        wakeApplier?.();
      });
    while (reading || buffer.length > 0) {
      if (buffer.length === 0) {
        await new Promise<void>((resolve) => (wakeApplier = resolve));
        wakeApplier = undefined;
        continue;
      }
      await apply(buffer.splice(0, batchSize));
      wakeReader?.();
      wakeReader = undefined;
    }
    await reader;
    if (failure !== undefined) throw failure;
  };

  /** Resolves once every projection has folded the event at `position` (`{ atLeast }` queries). */
  const waitFor = async (position: bigint, signal?: AbortSignal) => {
    waiters++;
    try {
      while (!(await reached(position))) {
        if (signal?.aborted) throw signal.reason;
        // Someone reads now: the follower reads what has been appended without gathering more.
        hurryFollower?.();
        await new Promise<void>((resolve) => {
          const done = () => {
            onApplied.delete(done);
            clearTimeout(timer);
            resolve();
          };
          // Another process may be the one applying: look again after a while either way.
          const timer = setTimeout(done, 50);
          onApplied.add(done);
        });
      }
    } finally {
      waiters--;
    }
  };

  return { follow, waitFor };
};
