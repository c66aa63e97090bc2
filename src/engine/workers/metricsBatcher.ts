import type { MetricReport } from '../../domain/commands';

/**
 * Metric reports held until the next flush, then sent as few appends as possible: one per flush
 * interval, or one per `maxPerAppend` reports when a handler reports faster than that. Every
 * report is kept (count, mean, min and max need them all), so the folded last metrics are the
 * same as if each report had been appended on its own.
 */
export const getMetricsBatcher = (options: {
  readonly maxPerAppend: number;
  readonly send: (reports: MetricReport[]) => Promise<void>;
  /** Called when a full append's worth is waiting: flush now rather than grow without bound. */
  readonly onFull: () => void;
}) => {
  let buffer: MetricReport[] = [];

  const add = (report: MetricReport) => {
    buffer.push(report);
    if (buffer.length === options.maxPerAppend) options.onFull();
  };

  /** Sends everything buffered, in order, in chunks of at most `maxPerAppend`. */
  const flush = async () => {
    while (buffer.length > 0) {
      const chunk = buffer.slice(0, options.maxPerAppend);
      buffer = buffer.slice(chunk.length);
      await options.send(chunk);
    }
  };

  /** Forgets what is buffered: the task is no longer ours to report on. */
  const drop = () => {
    buffer = [];
  };

  return {
    add,
    flush,
    drop,
    get pending() {
      return buffer.length;
    },
  };
};
export type MetricsBatcher = ReturnType<typeof getMetricsBatcher>;
