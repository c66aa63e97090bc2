import type { LastMetrics } from '../domain/task';
import { foldMetrics, maxIteration } from '../domain/lastMetrics';
import { projection } from './projection';

/** ClearML's last_metrics for one task. */
export type TaskLastMetrics = {
  readonly task_id: string;
  readonly last_iteration?: number;
  readonly metrics: LastMetrics;
};

/** Per metric and variant: last, min, max (with iterations), first, count, mean; cleared by reset. */
export const lastMetrics = projection<TaskLastMetrics>({
  name: 'last_metrics',
  version: 1,
  handles: new Set(['TaskCreated', 'MetricsReported', 'TaskReset', 'TaskDeleted']),
  evolve: (doc, event) => {
    switch (event.type) {
      case 'TaskCreated':
      case 'TaskReset':
        return { task_id: event.taskId, metrics: {} };
      case 'TaskDeleted':
        return undefined;
      case 'MetricsReported': {
        const current = doc ?? { task_id: event.taskId, metrics: {} };
        const last_iteration = maxIteration(event.data.metrics, current.last_iteration);
        return {
          ...current,
          metrics: foldMetrics(current.metrics, event.data.metrics, event.metadata.at),
          ...(last_iteration === undefined ? {} : { last_iteration }),
        };
      }
      default:
        return doc;
    }
  },
  columns: {},
});
