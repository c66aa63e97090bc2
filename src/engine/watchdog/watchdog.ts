import { isTaskledgerError } from '../../domain/errors';
import type { WorkerDeps } from '../workers/workerDeps';
import { toWatchdogSettings, WatchdogOptions, WatchdogSettings } from './watchdogOptions';
import { staleTaskIds, isBefore } from './staleTasks';

/** status_reason and status_message of a forced stop (ClearML's words, status-rules.md). */
export const FORCED_STOP = 'Forced stop (non-responsive)';
export const REQUEUED_AFTER_FORCED_STOP = 'Requeued after a forced stop (non-responsive)';

/** What one pass did. `raced`: someone changed the task first (another watchdog, a late worker). */
export type WatchdogReport = {
  readonly at: string;
  readonly cutoff: string;
  readonly stopped: readonly string[];
  readonly requeued: readonly string[];
  readonly raced: readonly string[];
};

export type Watchdog = {
  /** One pass: every in_progress task silent for longer than the threshold is stopped. */
  runOnce(): Promise<WatchdogReport>;
  /** A pass now and every `intervalMs` after, each report given to `onReport`, until `stop`. */
  start(onReport?: (report: WatchdogReport) => void, onError?: (error: unknown) => void): void;
  stop(): Promise<void>;
};

const lostTheRace = (error: unknown) =>
  isTaskledgerError(error) && (error.code === 'conflict' || error.code === 'invalid_transition');

type Verdict = 'stopped' | 'requeued' | 'raced' | 'fresh';

/**
 * Stops one task if its own stream (not only the read model, which may lag) still says it is
 * in_progress and silent since before `cutoff`, appending at the revision that said so: of
 * several watchdogs, or a watchdog and a worker that just pinged, one wins and the rest see
 * `conflict`, so a task is never stopped twice.
 */
const stopIfStale = async (
  deps: WorkerDeps,
  settings: WatchdogSettings,
  id: string,
  cutoff: Date,
): Promise<Verdict> => {
  const loaded = await deps.loadTask(id);
  if (loaded.state.kind !== 'live' || loaded.revision === undefined) return 'fresh';
  const task = loaded.state.task;
  if (task.status !== 'in_progress' || !isBefore(task.last_update, cutoff)) return 'fresh';
  const as = (expectedRevision: bigint) => ({ actor: settings.actor, expectedRevision });
  let revision: bigint;
  try {
    const stopped = await deps.engine.stopped(
      { id, status_reason: FORCED_STOP, status_message: FORCED_STOP },
      as(loaded.revision),
    );
    revision = stopped.revision;
  } catch (error) {
    if (lostTheRace(error)) return 'raced';
    throw error;
  }
  if (!settings.requeue) return 'stopped';
  try {
    await deps.engine.enqueue(
      {
        id,
        queue: task.queue ?? 'default',
        status_reason: 'requeued',
        status_message: REQUEUED_AFTER_FORCED_STOP,
      },
      as(revision),
    );
    return 'requeued';
  } catch (error) {
    // Someone acted on the stopped task first: their decision stands.
    if (lostTheRace(error)) return 'stopped';
    throw error;
  }
};

/**
 * The watchdog of status-rules.md (Liveness). Its clock is the engine's, so a test moves time
 * instead of waiting; only `start`'s interval is real time.
 */
export const createWatchdog = (deps: WorkerDeps, options: WatchdogOptions = {}): Watchdog => {
  const settings = toWatchdogSettings(options);
  let timer: NodeJS.Timeout | undefined;
  let passing: Promise<unknown> | undefined;

  const runOnce = async (): Promise<WatchdogReport> => {
    const now = deps.clock();
    const cutoff = new Date(now.getTime() - settings.thresholdMs);
    const found: Record<Exclude<Verdict, 'fresh'>, string[]> = { stopped: [], requeued: [], raced: [] };
    for await (const id of staleTaskIds(deps.engine, cutoff)) {
      const verdict = await stopIfStale(deps, settings, id, cutoff);
      if (verdict === 'requeued') found.stopped.push(id);
      if (verdict !== 'fresh') found[verdict].push(id);
    }
    return { at: now.toISOString(), cutoff: cutoff.toISOString(), ...found };
  };

  const pass = (onReport?: (report: WatchdogReport) => void, onError?: (error: unknown) => void) => {
    if (passing !== undefined) return; // the last pass is still going: skip rather than overlap
    passing = runOnce()
      .then(
        onReport,
        onError ?? ((error: unknown) => process.emitWarning(`taskledger watchdog: ${String(error)}`)),
      )
      .finally(() => (passing = undefined));
  };

  return {
    runOnce,
    start: (onReport, onError) => {
      if (timer !== undefined) return;
      pass(onReport, onError);
      timer = setInterval(() => pass(onReport, onError), settings.intervalMs);
    },
    stop: async () => {
      clearInterval(timer);
      timer = undefined;
      await passing;
    },
  };
};
