/**
 * Milliseconds since the epoch with sub-millisecond resolution, comparable across processes on
 * one machine (each process's timeOrigin is read from the same system clock): what the
 * subscription latency workload stamps into an event in one process and reads in another.
 */
export const wallClockMs = (): number => performance.timeOrigin + performance.now();
