import type { Engine } from '../../src';
import { wallClockMs } from './wallClock';

const DELIVERY_TIMEOUT_MS = 10_000;

/**
 * A status subscriber that measures append → delivery: the appender writes its wall clock into
 * the TaskEnqueued's status_reason just before appending, and the subscriber subtracts it from
 * its own clock when the change arrives. One sample is in flight at a time (latency, not
 * throughput), so a sample never waits behind another.
 */
export const latencyProbe = async (engine: Engine) => {
  const stop = new AbortController();
  const waiting = new Map<string, (latencyMs: number) => void>();
  let caughtUp: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (caughtUp = resolve));
  const subscription = (async () => {
    for await (const item of engine.subscribe({ from: 'end', filter: { types: ['TaskEnqueued'] }, signal: stop.signal })) {
      if (item.kind === 'caughtUp') caughtUp();
      else if (item.kind === 'change') {
        const latency = wallClockMs() - Number(item.reason);
        waiting.get(item.taskId)?.(latency);
        waiting.delete(item.taskId);
      }
    }
  })();
  await ready;
  return {
    /** Resolves with the latency of task `id`'s TaskEnqueued once it is delivered. */
    delivery: (id: string) =>
      new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(id);
          reject(new Error(`no delivery of ${id} within ${DELIVERY_TIMEOUT_MS} ms`));
        }, DELIVERY_TIMEOUT_MS);
        waiting.set(id, (latency) => {
          clearTimeout(timer);
          resolve(latency);
        });
      }),
    close: async () => {
      stop.abort();
      await subscription.catch(() => undefined);
    },
  };
};

/** The appender's half: create (not measured), then enqueue stamped with the time just before. */
export const appendSample = async (engine: Engine, id: string) => {
  await engine.create({ id, name: `latency ${id}`, type: 'training', project: 'bench' });
  await engine.enqueue({ id, queue: 'bench', status_reason: wallClockMs().toFixed(3) });
};
