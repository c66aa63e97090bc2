/** What one queued item came to: its own result or its own error. */
export type Settled<R> =
  { readonly ok: true; readonly value: R } | { readonly ok: false; readonly error: unknown };

const ok = (): Settled<void> => ({ ok: true, value: undefined });
const failed = (error: unknown): Settled<void> => ({ ok: false, error });

type Pending<T, R> = { readonly item: T; resolve(value: R): void; reject(error: unknown): void };

export type GroupCommitOptions<T> = {
  /** How much one flush may take; a single item larger than this still goes alone. */
  readonly maxBatchWeight: number;
  readonly maxBatchSize?: number;
  readonly weigh: (item: T) => number;
  /**
   * Runs before each batch is taken: waiting here (for a lock another process holds) lets the
   * appends submitted meanwhile join this batch. If it throws, the batch fails with its error.
   */
  readonly acquire?: () => Promise<void>;
};

/**
 * Group commit: items submitted while a flush is queued or running go into the next flush
 * together, so concurrent appends share one transaction (and one fsync). A lone caller waits
 * only for `setImmediate`. `flush` settles every item on its own; if it throws, all fail.
 */
export const getGroupCommit = <T, R>(
  flush: (items: readonly T[]) => Promise<readonly Settled<R>[]> | readonly Settled<R>[],
  { maxBatchWeight, maxBatchSize = Number.MAX_SAFE_INTEGER, weigh, acquire }: GroupCommitOptions<T>,
) => {
  let queue: Pending<T, R>[] = [];
  let scheduled = false;
  let running: Promise<void> | undefined;

  const takeBatch = () => {
    let weight = 0;
    let count = 0;
    for (const pending of queue) {
      weight += weigh(pending.item);
      if (count > 0 && (weight > maxBatchWeight || count >= maxBatchSize)) break;
      count++;
    }
    const batch = queue.slice(0, count);
    queue = queue.slice(count);
    return batch;
  };

  const run = async () => {
    scheduled = false;
    let acquired: Settled<void> = { ok: true, value: undefined };
    if (acquire !== undefined) acquired = await acquire().then(ok, failed);
    const batch = takeBatch();
    try {
      if (!acquired.ok) throw acquired.error;
      const outcomes = await flush(batch.map((p) => p.item));
      batch.forEach((pending, i) => {
        const outcome = outcomes[i];
        if (outcome === undefined) pending.reject(new Error('group commit: flush returned no outcome'));
        else if (outcome.ok) pending.resolve(outcome.value);
        else pending.reject(outcome.error);
      });
    } catch (error) {
      for (const pending of batch) pending.reject(error);
    }
  };

  const schedule = () => {
    if (scheduled || running !== undefined || queue.length === 0) return;
    scheduled = true;
    setImmediate(() => {
      running = run().finally(() => {
        running = undefined;
        schedule();
      });
    });
  };

  const submit = (item: T): Promise<R> =>
    new Promise<R>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      schedule();
    });

  /** Whether something submitted is not settled yet. */
  const busy = () => scheduled || running !== undefined || queue.length > 0;

  /** Resolves once everything submitted so far is settled. */
  const drain = async () => {
    while (busy()) {
      if (running !== undefined) await running;
      else await new Promise((resolve) => setImmediate(resolve));
    }
  };

  return { submit, drain, busy };
};
