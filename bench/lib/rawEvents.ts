import { BenchEvent, interleavedLifecycles } from './engineEvents';
import { EVENTS_PER_TASK } from './lifecycle';

const cache = new Map<number, BenchEvent[]>();

/**
 * The rows the raw and peer workloads write: `streams` task lifecycles (10 events each, ~300
 * bytes of JSON per event), in the order one caller appends them. Built once per process.
 */
export const rawEvents = (streams: number): BenchEvent[] => {
  let events = cache.get(streams);
  if (events === undefined) {
    events = [...interleavedLifecycles(streams, { prefix: 'raw', callers: 1 })];
    if (events.length !== streams * EVENTS_PER_TASK) throw new Error('raw events: wrong count');
    cache.set(streams, events);
  }
  return events;
};

/** Events per second over a timed section. */
export const timed = async (count: number, section: () => Promise<void> | void): Promise<number> => {
  const started = performance.now();
  await section();
  return count / ((performance.now() - started) / 1000);
};
