import type { Task } from '../../domain/task';
import { isTaskledgerError } from '../../domain/errors';
import type { WorkerDeps } from './workerDeps';
import type { Ending } from './ending';
import { appendIfOwned, Owner } from './ownership';

/** What status_reason says when a worker hands a task back or stops it on request. */
export const REQUEUED_REASON = 'requeued';
export const STOP_REQUESTED_REASON = 'stop requested';

/**
 * Appends the run's last status change, only while the task is still the run's. Resolves with
 * what was recorded: `lost` when the task had left the worker's hands in the meantime.
 */
export const recordEnding = async (
  deps: WorkerDeps,
  owner: Owner,
  ending: Ending,
  task: Task,
): Promise<Ending> => {
  const { engine } = deps;
  const id = owner.taskId;
  const worker = owner.workerId;
  const as = (expectedRevision: bigint) => ({ actor: worker, expectedRevision });
  const owned = (send: (expectedRevision: bigint) => ReturnType<typeof engine.completed>) =>
    appendIfOwned(deps, owner, send);

  switch (ending.kind) {
    case 'lost':
      return ending;
    case 'completed': {
      const result = ending.result === undefined ? {} : { result: ending.result };
      const outcome = await owned((rev) => engine.completed({ id, worker, ...result }, as(rev)));
      return outcome.kind === 'lost' ? { kind: 'lost' } : ending;
    }
    case 'failed': {
      const outcome = await owned((rev) => engine.failed({ id, worker, error: ending.error }, as(rev)));
      return outcome.kind === 'lost' ? { kind: 'lost' } : ending;
    }
    case 'stopped': {
      const outcome = await owned((rev) =>
        engine.stopped({ id, worker, status_reason: STOP_REQUESTED_REASON }, as(rev)),
      );
      return outcome.kind === 'lost' ? { kind: 'lost' } : ending;
    }
    case 'requeued': {
      // in_progress cannot be enqueued without force; stopped can (status-rules.md), so the
      // hand-back is two appends, the second at the revision the first left.
      const outcome = await owned((rev) =>
        engine.stopped(
          { id, worker, status_reason: REQUEUED_REASON, status_message: `worker ${worker} closed` },
          as(rev),
        ),
      );
      if (outcome.kind === 'lost') return { kind: 'lost' };
      try {
        await engine.enqueue(
          { id, queue: task.queue ?? 'default', status_reason: REQUEUED_REASON },
          as(outcome.result.revision),
        );
        return ending;
      } catch (error) {
        // Someone acted on the stopped task first (enqueued, reset or closed it): theirs stands.
        if (isTaskledgerError(error) && error.code === 'conflict') return { kind: 'stopped' };
        throw error;
      }
    }
  }
};
