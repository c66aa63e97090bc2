import { invalidRequest } from '../../domain/errors';
import type { StatusChangeItem } from '../subscriptions/subscriptionItem';
import type { WorkerDeps } from './workerDeps';
import { toWorkerSettings, WorkerOptions } from './workerOptions';
import { claimNextTasks, Claim, ClaimRound } from './claim';
import { runTask, RunningTask } from './runTask';
import type { TaskHandler } from './taskContext';
import { getDoorbell } from './doorbell';
import { getCandidateWindow } from './candidates';
import { MAX_PAGE_SIZE } from '../queries/listQuery';
import { pause } from './pause';
import { followStatusChanges } from './stopSignals';
import type { Ending } from './ending';

/** What a worker has done so far. */
export type WorkerStats = { claimed: number; running: number } & Record<Ending['kind'], number>;

export type Worker = {
  readonly id: string;
  /**
   * Claims queued tasks from the worker's queues and runs `handler` on each, at most
   * `concurrency` at once, until `close`; resolves then, when every run has ended.
   */
  run(handler: TaskHandler): Promise<WorkerStats>;
  /** Stops claiming, then finishes the running tasks or hands them back (`onClose`). */
  close(): Promise<void>;
  stats(): WorkerStats;
};

// After a round in which others won every offered task: look again soon, a little later each time.
const missPauseMs = (misses: number, pollMs: number) => Math.min(pollMs, 10 * 2 ** Math.min(misses, 8));

// A full page per list: a list costs about the same whatever its page size, and the more
// candidates, the longer a window lasts and the less competing workers pick the same ones.
const WINDOW_SIZE = MAX_PAGE_SIZE;

/**
 * A worker embedded in this process. It learns of queued tasks and stop requests from the
 * engine's subscription, claims from a window of the oldest queued tasks (candidates.ts) with
 * compare-and-set, several at once in one group commit (claim.ts), and runs each task
 * with heartbeats and batched reports (runTask.ts).
 */
export const createWorker = (deps: WorkerDeps, options: WorkerOptions): Worker => {
  const settings = toWorkerSettings(options);
  // Every run not yet ended, and the newest run of each task (which the task's news is for: an
  // earlier run of the same task may still be recording its ending when the task is claimed again).
  const unfinished = new Set<RunningTask>();
  const running = new Map<string, RunningTask>();
  // Runs whose handler has not come back yet: what `concurrency` bounds. A run whose handler has
  // returned frees its slot at once, so the next claim and this run's ending reach the store
  // together and share one group commit.
  let handling = 0;
  const counts: WorkerStats = {
    claimed: 0,
    running: 0,
    completed: 0,
    failed: 0,
    stopped: 0,
    requeued: 0,
    lost: 0,
  };
  const doorbell = getDoorbell();
  const candidates = getCandidateWindow(deps.engine, {
    queues: settings.queues,
    size: WINDOW_SIZE,
    workerId: settings.id,
  });
  const closing = new AbortController();
  const following = new AbortController();
  let runs: Promise<WorkerStats> | undefined;

  const stats = (): WorkerStats => ({ ...counts, running: unfinished.size });

  /** A change from the subscription: a new queued task, a candidate gone, or news about one we run. */
  const onChange = (change: StatusChangeItem) => {
    if (change.to === 'queued') {
      candidates.queued();
      doorbell.ring();
    } else if (candidates.forget(change.taskId) && change.to === 'in_progress')
      candidates.competed(change.actor);
    const run = running.get(change.taskId);
    if (run === undefined || change.revision <= run.claimRevision) return;
    if (change.event === 'TaskStopRequested') run.abort('stop_requested');
    else if (change.to !== 'in_progress' || change.event === 'TaskStarted') run.abort('lost');
  };

  const start = (claim: Claim, handler: TaskHandler) => {
    const run = runTask(deps, settings, claim, handler);
    running.set(run.taskId, run);
    unfinished.add(run);
    handling++;
    counts.claimed++;
    // A claim that was under way when the worker began closing is handed back at once.
    if (closing.signal.aborted && settings.onClose === 'requeue') run.abort('closing');
    void run.handled.then(() => {
      handling--;
      doorbell.ring();
    });
    void run.done.then((ending) => {
      counts[ending.kind]++;
      unfinished.delete(run);
      if (running.get(run.taskId) === run) running.delete(run.taskId);
      doorbell.ring();
      try {
        settings.onRunEnded(run.taskId, ending.kind);
      } catch (error) {
        settings.onError(error, run.taskId);
      }
    });
  };

  const claimLoop = async (handler: TaskHandler) => {
    let misses = 0;
    while (!closing.signal.aborted) {
      const free = settings.concurrency - handling;
      if (free <= 0) {
        await doorbell.wait(settings.pollMs, closing.signal);
        continue;
      }
      let round: ClaimRound;
      try {
        round = await claimNextTasks(
          deps,
          candidates,
          { workerId: settings.id, queues: settings.queues, stop: closing.signal },
          free,
        );
      } catch (error) {
        settings.onError(error);
        await doorbell.wait(settings.pollMs, closing.signal);
        continue;
      }
      for (const claim of round.claims) start(claim, handler);
      if (round.claims.length > 0) {
        misses = 0;
        continue;
      }
      // Every candidate lost, but a list was not among them: the window's next ones may do.
      if (round.tried > 0 && !round.listed) continue;
      if (round.tried > 0) {
        await doorbell.wait(missPauseMs(++misses, settings.pollMs), closing.signal);
        continue;
      }
      misses = 0;
      // Nothing to claim. Quiet for a whole poll interval: list again in case a change was missed.
      if (!(await doorbell.wait(settings.pollMs, closing.signal))) candidates.queued();
    }
  };

  const runAll = async (handler: TaskHandler): Promise<WorkerStats> => {
    const changes = followStatusChanges(deps.engine, onChange, following.signal, (e) => settings.onError(e));
    try {
      // Look for queued tasks once the subscription is live, so none queued after the look is
      // missed; if it cannot get there, the fallback poll still finds them.
      const giveUp = new AbortController();
      await Promise.race([
        changes.ready,
        pause(settings.pollMs, AbortSignal.any([giveUp.signal, closing.signal])),
      ]);
      giveUp.abort();
      await claimLoop(handler);
      while (unfinished.size > 0) await Promise.all([...unfinished].map((run) => run.done));
      return stats();
    } finally {
      following.abort();
      await changes.done;
    }
  };

  return {
    id: settings.id,
    stats,
    run: (handler) => {
      if (runs !== undefined) throw invalidRequest(`worker ${settings.id} is already running`, 'run');
      runs = runAll(handler);
      return runs;
    },
    close: async () => {
      closing.abort();
      doorbell.ring();
      if (settings.onClose === 'requeue') for (const run of unfinished) run.abort('closing');
      await runs?.catch(() => undefined);
    },
  };
};
