import type { WorkerDeps } from './workerDeps';
import type { WorkerSettings } from './workerOptions';
import type { Claim } from './claim';
import type { TaskContext, TaskHandler } from './taskContext';
import { TaskAborted, AbortWhy, abortWhyOf } from './abortReason';
import { endingOf, Ending, HandlerOutcome } from './ending';
import { recordEnding } from './recordEnding';
import { appendIfOwned, isOwnedBy, ownerOf, Owner } from './ownership';
import { getTaskReporter, TaskReporter } from './taskReporter';
import { startHeartbeat } from './heartbeat';

/** A task this worker is running. */
export type RunningTask = {
  readonly taskId: string;
  /** The revision of the claim: changes at or before it belong to an earlier attempt. */
  readonly claimRevision: bigint;
  /** Fires the handler's signal (once; the first reason stays). */
  abort(why: AbortWhy): void;
  /** The handler has come back (its reports and ending may still be being recorded); never rejects. */
  readonly handled: Promise<void>;
  /** What was recorded for the run; never rejects. */
  readonly done: Promise<Ending>;
};

/** The status_message a stop request leaves on a running task (status-rules.md, `stop`). */
const STOPPING = 'stopping';

/**
 * A heartbeat: a ping (unless a report moved `last_update` since the last beat), appended only
 * while the task is ours. Reading the task for that also catches, as a fallback to the
 * subscription, a stop request or a task that left our hands.
 */
const beatFor = (deps: WorkerDeps, owner: Owner, reporter: TaskReporter, abort: (why: AbortWhy) => void) => {
  let appendsAtLastBeat = reporter.appends;
  return async () => {
    const reported = reporter.appends !== appendsAtLastBeat;
    appendsAtLastBeat = reporter.appends;
    if (reported) {
      const loaded = await deps.loadTask(owner.taskId);
      const task = loaded.state.kind === 'live' ? loaded.state.task : undefined;
      if (task === undefined || !isOwnedBy(task, owner)) abort('lost');
      else if (task.status_message === STOPPING) abort('stop_requested');
      return;
    }
    const outcome = await appendIfOwned(deps, owner, (expectedRevision) =>
      deps.engine.ping(
        { id: owner.taskId, worker: owner.workerId },
        { actor: owner.workerId, expectedRevision },
      ),
    );
    if (outcome.kind === 'lost') abort('lost');
    else if (outcome.task.status_message === STOPPING) abort('stop_requested');
  };
};

/**
 * Runs one claimed task: the handler with its context, heartbeats while it runs, the reports
 * flushed, then the ending recorded (completed, failed, stopped, or stopped and queued again).
 */
export const runTask = (
  deps: WorkerDeps,
  settings: WorkerSettings,
  claim: Claim,
  handler: TaskHandler,
): RunningTask => {
  const taskId = claim.task.id;
  const controller = new AbortController();
  const abort = (why: AbortWhy) => {
    if (!controller.signal.aborted) controller.abort(new TaskAborted(why, taskId));
  };
  const onError = (error: unknown) => settings.onError(error, taskId);
  const owner = ownerOf(claim.task, settings.id);
  const reporter = getTaskReporter(deps, owner, {
    flushMs: settings.flushMs,
    maxMetricsPerAppend: settings.maxMetricsPerAppend,
    onError: settings.onError,
    onLost: () => abort('lost'),
  });
  const heartbeat = startHeartbeat(settings.heartbeatMs, beatFor(deps, owner, reporter, abort), onError);
  const ctx: TaskContext = {
    workerId: settings.id,
    signal: controller.signal,
    reportMetrics: reporter.reportMetrics,
    progress: reporter.progress,
    addArtifacts: reporter.addArtifacts,
    log: reporter.log,
    warn: reporter.warn,
    flush: reporter.flush,
  };

  const outcome = (async (): Promise<HandlerOutcome> => {
    try {
      return { kind: 'returned', value: await handler(claim.task, ctx) };
    } catch (error) {
      return { kind: 'threw', error };
    }
  })();

  const done = (async (): Promise<Ending> => {
    const handlerOutcome = await outcome;
    await heartbeat.stop();
    await reporter.close();
    try {
      return await recordEnding(
        deps,
        owner,
        endingOf(handlerOutcome, abortWhyOf(controller.signal)),
        claim.task,
      );
    } catch (error) {
      // Not recorded (the store is down, say): the task stays in_progress without heartbeats,
      // and the watchdog will stop it.
      onError(error);
      return { kind: 'lost' };
    }
  })();

  const handled = outcome.then(() => undefined);
  return { taskId, claimRevision: claim.revision, abort, handled, done };
};
