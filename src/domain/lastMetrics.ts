import type { LastMetrics, MetricStats } from './task';
import type { MetricReport } from './commands';

/** ClearML's max_last_metrics: a task keeps at most this many metric/variant pairs. */
export const MAX_METRIC_PAIRS = 2000;

const isLater = (report: { iteration: number; timestamp: string }, stats: MetricStats) =>
  report.iteration > stats.iteration ||
  (report.iteration === stats.iteration && report.timestamp >= stats.timestamp);

/** Folds one report into the stats of its metric and variant. */
export const foldMetric = (stats: MetricStats | undefined, report: MetricReport, at: string): MetricStats => {
  const timestamp = report.timestamp ?? at;
  const { metric, variant, iteration, value } = report;
  if (stats === undefined) {
    return {
      metric,
      variant,
      value,
      iteration,
      timestamp,
      min_value: value,
      min_value_iteration: iteration,
      max_value: value,
      max_value_iteration: iteration,
      first_value: value,
      first_value_iteration: iteration,
      count: 1,
      mean_value: value,
    };
  }
  // One copy per report: this runs for every metric of every report a log replays.
  const next = { ...stats };
  if (isLater({ iteration, timestamp }, stats)) {
    next.value = value;
    next.iteration = iteration;
    next.timestamp = timestamp;
  }
  if (value < stats.min_value) {
    next.min_value = value;
    next.min_value_iteration = iteration;
  }
  if (value > stats.max_value) {
    next.max_value = value;
    next.max_value_iteration = iteration;
  }
  next.count = stats.count + 1;
  next.mean_value = stats.mean_value + (value - stats.mean_value) / next.count;
  return next;
};

const pairCount = (metrics: LastMetrics) =>
  Object.values(metrics).reduce((n, variants) => n + Object.keys(variants).length, 0);

/** Folds a batch of reports; a new pair beyond MAX_METRIC_PAIRS is dropped, known pairs still move. */
export const foldMetrics = (
  metrics: LastMetrics,
  reports: readonly MetricReport[],
  at: string,
): LastMetrics => {
  const next: Record<string, Record<string, MetricStats>> = { ...metrics };
  // Counted only when a report brings a new pair: most reports move pairs the task already has.
  let pairs: number | undefined;
  for (const report of reports) {
    const variants = next[report.metric] ?? {};
    const stats = variants[report.variant];
    if (stats === undefined) {
      pairs ??= pairCount(metrics);
      if (pairs >= MAX_METRIC_PAIRS) continue;
      pairs++;
    }
    next[report.metric] = { ...variants, [report.variant]: foldMetric(stats, report, at) };
  }
  return next;
};

export const maxIteration = (
  reports: readonly MetricReport[],
  since: number | undefined,
): number | undefined =>
  reports.reduce<number | undefined>(
    (max, r) => (max === undefined || r.iteration > max ? r.iteration : max),
    since,
  );
