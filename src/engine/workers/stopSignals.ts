import type { StatusChangeItem } from '../subscriptions/subscriptionItem';
import type { SubscribeOptions } from '../subscriptions/subscribeOptions';
import type { WorkerEngine } from './workerDeps';
import { pause } from './pause';

const FIRST_RETRY_MS = 100;
const LAST_RETRY_MS = 5_000;

/**
 * How a worker hears about the world: every status change, through the engine's one shared
 * subscription (no polling of the store per task). New queued tasks ring the claim loop; stop
 * requests and changes to a running task reach its handler's signal.
 *
 * `ready` resolves once the subscription is live: a task queued after that cannot be missed, so
 * the worker looks for queued tasks only then. If the subscription fails it is opened again
 * after the last change seen (with a growing pause), so no change is skipped in between.
 */
export const followStatusChanges = (
  engine: Pick<WorkerEngine, 'subscribe'>,
  onChange: (change: StatusChangeItem) => void,
  signal: AbortSignal,
  onError: (error: unknown) => void,
) => {
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  const done = (async () => {
    let from: SubscribeOptions['from'] = 'end';
    let retryMs = FIRST_RETRY_MS;
    while (!signal.aborted) {
      try {
        for await (const item of engine.subscribe({ from, signal })) {
          if (item.kind === 'caughtUp') {
            from = { after: item.position };
            markReady();
            continue;
          }
          if (item.kind !== 'change') continue;
          from = { after: item.position };
          retryMs = FIRST_RETRY_MS;
          onChange(item);
        }
        // Ended without an error: the engine is closing.
        return;
      } catch (error) {
        if (signal.aborted) return;
        onError(error);
        await pause(retryMs, signal);
        retryMs = Math.min(retryMs * 2, LAST_RETRY_MS);
      }
    }
  })().finally(markReady);

  return { ready, done };
};
