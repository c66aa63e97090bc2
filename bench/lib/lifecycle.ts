import type { Command } from '../../src/domain/commands';
import { seededRandom, SEED } from './random';

/**
 * The lifecycle every workload runs: create → enqueue → started → 5 × report_metrics →
 * completed(publish: true). Nine commands, ten events (completing with publish appends
 * TaskCompleted and TaskPublished together).
 */
export const METRIC_REPORTS = 5;
export const EVENTS_PER_TASK = 10;
export const COMMANDS_PER_TASK = 4 + METRIC_REPORTS;

/** Task ids of one run: `b<run>-<n>`, so runs on a shared store never collide. */
export const taskIds = (count: number, prefix: string): string[] =>
  Array.from({ length: count }, (_, i) => `${prefix}-${i}`);

/** The nine commands of task `index`, with seeded metric values. */
export const lifecycleCommands = (id: string, index: number, worker = 'bench-worker'): Command[] => {
  const random = seededRandom(SEED + index);
  const metrics: Command[] = Array.from({ length: METRIC_REPORTS }, (_, iteration) => ({
    type: 'report_metrics',
    data: {
      id,
      worker,
      metrics: [{ metric: 'loss', variant: 'train', iteration, value: Math.round(random() * 1e6) / 1e6 }],
    },
  }));
  return [
    { type: 'create', data: { id, name: `bench task ${index}`, type: 'training', project: 'bench' } },
    { type: 'enqueue', data: { id, queue: 'bench' } },
    { type: 'started', data: { id, worker } },
    ...metrics,
    { type: 'completed', data: { id, worker, publish: true } },
  ];
};

/**
 * Runs `work` over `items` with `callers` concurrent callers, each taking the next item when it
 * finishes one (so 8 callers keep 8 tasks in flight). The first error stops the others.
 */
export const withCallers = async <T>(
  items: readonly T[],
  callers: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> => {
  let next = 0;
  let failed = false;
  const caller = async () => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        await work(items[index] as T, index);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, callers) }, caller));
};
