import { isLeft } from 'fp-ts/Either';
import type { Command } from '../../src/domain/commands';
import { decide, DecideContext } from '../../src/domain/decide';
import { evolve } from '../../src/domain/evolve';
import { initialState, TaskState } from '../../src/domain/taskState';
import { SCHEMA_VERSION, TaskEventEnvelope } from '../../src/domain/events';
import { DEFAULT_WORKER_TIMEOUT_MS } from '../../src/domain/liveness';

const AT = '2026-11-22T10:00:00.000Z';
export const decideContext: DecideContext = { at: AT, actor: 'bench', workerTimeoutMs: DEFAULT_WORKER_TIMEOUT_MS, publishedChildren: [] };

/** Applies a command's events to a state, as the engine would after appending them. */
const after = (state: TaskState, command: Command): TaskState => {
  const decided = decide(state, command, decideContext);
  if (isLeft(decided)) throw decided.left;
  return decided.right.reduce(
    (s, event) => evolve(s, { ...event, metadata: { commandId: 'c', actor: 'bench', at: AT, schemaVersion: SCHEMA_VERSION } } as TaskEventEnvelope),
    state,
  );
};

/**
 * The decisions a worker-heavy workload makes, in proportion: mostly reports on running tasks,
 * the status moves of a lifecycle, and a refused command (an error value built and returned).
 */
export const decideMix = (): readonly { readonly state: TaskState; readonly command: Command }[] => {
  const id = 'decide-1';
  const created = after(initialState, { type: 'create', data: { id, name: 'decide', type: 'training', project: 'bench' } });
  const queued = after(created, { type: 'enqueue', data: { id, queue: 'bench' } });
  const running = after(queued, { type: 'started', data: { id, worker: 'w1' } });
  const failed = after(running, { type: 'failed', data: { id, worker: 'w1', error: 'boom' } });
  const metrics = (iteration: number): Command => ({
    type: 'report_metrics',
    data: { id, worker: 'w1', metrics: [{ metric: 'loss', variant: 'train', iteration, value: 1 / (iteration + 1) }] },
  });
  return [
    { state: initialState, command: { type: 'create', data: { id, name: 'decide', type: 'training', project: 'bench' } } },
    { state: created, command: { type: 'enqueue', data: { id, queue: 'bench' } } },
    { state: queued, command: { type: 'started', data: { id, worker: 'w1' } } },
    { state: running, command: metrics(1) },
    { state: running, command: metrics(2) },
    { state: running, command: metrics(3) },
    { state: running, command: { type: 'report_progress', data: { id, worker: 'w1', percentage: 50 } } },
    { state: running, command: { type: 'ping', data: { id, worker: 'w1' } } },
    { state: running, command: { type: 'completed', data: { id, worker: 'w1', publish: true } } },
    { state: running, command: { type: 'stop', data: { id } } },
    { state: created, command: { type: 'edit', data: { id, comment: 'changed' } } },
    { state: failed, command: { type: 'reset', data: { id } } },
    // Refused: a running task cannot be enqueued (an invalid_transition error value is built).
    { state: running, command: { type: 'enqueue', data: { id, queue: 'bench' } } },
  ];
};
