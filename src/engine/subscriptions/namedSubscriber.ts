import type { EventStore } from '../../ports/eventStore';
import type { ReaderStart } from './eventReader';
import type { SubscriptionItem } from './subscriptionItem';
import { readCheckpoint, storeCheckpoint, Checkpoint } from './checkpoints';

export type NamedSubscriberDeps = {
  readonly store: EventStore;
  readonly now: () => string;
};

/**
 * Does `pending` settle without I/O (the next item was already at hand)? Not a timing question:
 * a promise that settles before the next turn of the event loop needed no store read and no wait
 * for news, so the consumer is mid-batch and the checkpoint can wait.
 */
const settlesAtOnce = (pending: Promise<unknown>): Promise<boolean> =>
  new Promise((resolve) => {
    const later = setImmediate(() => resolve(false));
    const now = () => {
      clearImmediate(later);
      resolve(true);
    };
    pending.then(now, now);
  });

/**
 * A subscriber that remembers where it stopped. It resumes after its last checkpoint (or from
 * `from` the first time) and stores a checkpoint when the consumer pulls the next item — the pull
 * says the previous one was handled — at least every `every` items, and always before waiting.
 * A crash repeats at most the items after the last checkpoint, and never skips one.
 */
export async function* subscribeNamed(
  deps: NamedSubscriberDeps,
  name: string,
  from: ReaderStart,
  every: number,
  open: (start: ReaderStart, signal: AbortSignal) => AsyncIterable<SubscriptionItem>,
  outer: AbortSignal | undefined,
): AsyncGenerator<SubscriptionItem> {
  let checkpoint: Checkpoint | undefined = await readCheckpoint(deps.store, name);
  // Our own signal, so that an error here (a checkpoint conflict) can stop a reader that is waiting.
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  outer?.addEventListener('abort', onAbort, { once: true });
  const source = open(checkpoint === undefined ? from : { after: checkpoint.position }, stop.signal)[
    Symbol.asyncIterator
  ]();
  let handled: bigint | undefined;
  let sinceCheckpoint = 0;
  const save = async () => {
    if (handled === undefined || (checkpoint !== undefined && handled <= checkpoint.position)) return;
    checkpoint = await storeCheckpoint(deps.store, name, handled, checkpoint, deps.now());
    sinceCheckpoint = 0;
  };
  try {
    for (;;) {
      const pending = source.next();
      pending.catch(() => undefined); // rethrown below; not "unhandled" while a checkpoint is written
      if (sinceCheckpoint >= every || (sinceCheckpoint > 0 && !(await settlesAtOnce(pending)))) await save();
      const result = await pending;
      if (result.done) {
        await save();
        return;
      }
      yield result.value;
      handled = result.value.position;
      sinceCheckpoint++;
    }
  } finally {
    outer?.removeEventListener('abort', onAbort);
    stop.abort();
    await source.return?.();
  }
}
