import { isTaskledgerError } from '../../domain/errors';
import type { Task } from '../../domain/task';
import type { CommandResult } from '../commandResult';
import type { WorkerDeps } from './workerDeps';

/** What marks a run as still this worker's: its worker id and the start its claim wrote. */
export type Owner = {
  readonly taskId: string;
  readonly workerId: string;
  readonly started: string | undefined;
};

export const ownerOf = (task: Task, workerId: string): Owner => ({
  taskId: task.id,
  workerId,
  started: task.started,
});

/** Still ours: running, reported by us last, and not started again since our claim (by anyone). */
export const isOwnedBy = (task: Task, owner: Owner): boolean =>
  task.status === 'in_progress' && task.worker === owner.workerId && task.started === owner.started;

const MAX_ATTEMPTS = 5;

/**
 * Appends for a run only while the task is still the run's: checked on the task's stream (or the
 * engine's last fold of it, which only ever lags) and appended at that revision, so a report can never land after a watchdog stopped the task and
 * another worker claimed it (a ping or report would make the task look like ours again).
 * Resolves `lost` when the task is no longer ours; a conflict (our own heartbeat, a stop
 * request) just means look again.
 */
export const appendIfOwned = async (
  deps: WorkerDeps,
  owner: Owner,
  send: (expectedRevision: bigint) => Promise<CommandResult>,
): Promise<{ kind: 'appended'; result: CommandResult; task: Task } | { kind: 'lost'; task?: Task }> => {
  for (let attempt = 1; ; attempt++) {
    // First try on what this engine last saw (usually its own last append): the append's revision
    // check catches anything newer, and the conflict brings a real read.
    const seen = attempt === 1 ? deps.lastSeenTask?.(owner.taskId) : undefined;
    const loaded = seen ?? (await deps.loadTask(owner.taskId));
    if (loaded.state.kind !== 'live' || loaded.revision === undefined) return { kind: 'lost' };
    if (!isOwnedBy(loaded.state.task, owner)) return { kind: 'lost', task: loaded.state.task };
    try {
      return { kind: 'appended', result: await send(loaded.revision), task: loaded.state.task };
    } catch (error) {
      if (!(isTaskledgerError(error) && error.code === 'conflict' && attempt < MAX_ATTEMPTS)) throw error;
    }
  }
};
