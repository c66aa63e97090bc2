/** The part of a Node readable (object mode) this needs; the client's subscription types overload `on`. */
export type QueueSource = {
  on(event: string, listener: (...args: never[]) => void): unknown;
  removeListener(event: string, listener: (...args: never[]) => void): unknown;
  pause(): unknown;
  resume(): unknown;
  isPaused(): boolean;
  readonly readableLength: number;
};

export type QueueItem<T> = { readonly kind: 'item'; readonly value: T } | { readonly kind: 'marker' };

const HIGH_WATER = 1000;
const LOW_WATER = 100;

/**
 * A readable (objects) as an async iterable, with a marker for a side event (the client's
 * `caughtUp`) placed where it happened in the stream: after every object the readable had
 * already buffered, before the ones that follow. Pauses the readable while the consumer lags.
 * Ends when the readable ends or `signal` aborts; throws the readable's error.
 */
export async function* readableQueue<T>(
  readable: QueueSource,
  markerEvent: string,
  signal: AbortSignal | undefined,
): AsyncIterable<QueueItem<T>> {
  const items: QueueItem<T>[] = [];
  let markersAfter: number[] = [];
  let failure: { error: unknown } | undefined;
  let ended = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };

  const onData = (value: T) => {
    items.push({ kind: 'item', value });
    markersAfter = markersAfter.map((left) => left - 1);
    while (markersAfter[0] === 0) {
      markersAfter.shift();
      items.push({ kind: 'marker' });
    }
    if (items.length >= HIGH_WATER) readable.pause();
    notify();
  };
  const onMarker = () => {
    // Objects still in the readable's own buffer came before the marker.
    if (readable.readableLength === 0 && markersAfter.length === 0) items.push({ kind: 'marker' });
    else markersAfter.push(readable.readableLength);
    notify();
  };
  const onError = (error: unknown) => {
    failure = { error };
    notify();
  };
  const onEnd = () => {
    ended = true;
    notify();
  };

  readable.on('data', onData);
  readable.on(markerEvent, onMarker);
  readable.on('error', onError);
  readable.on('end', onEnd);
  readable.on('close', onEnd);
  signal?.addEventListener('abort', onEnd, { once: true });
  try {
    for (;;) {
      const next = items.shift();
      if (next !== undefined) {
        if (items.length <= LOW_WATER && readable.isPaused()) readable.resume();
        yield next;
        continue;
      }
      if (failure !== undefined) throw failure.error;
      if (ended || signal?.aborted) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    readable.removeListener('data', onData);
    readable.removeListener(markerEvent, onMarker);
    readable.removeListener('error', onError);
    readable.removeListener('end', onEnd);
    readable.removeListener('close', onEnd);
    signal?.removeEventListener('abort', onEnd);
  }
}
