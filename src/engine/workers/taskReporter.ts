import { isLeft } from 'fp-ts/Either';
import { MetricReport } from '../../domain/commands';
import { decodeWith } from '../../domain/decode';
import { invalidRequest } from '../../domain/errors';
import type { Artifact } from '../../domain/task';
import type { CommandResult } from '../commandResult';
import type { WorkerDeps } from './workerDeps';
import type { MetricInput } from './taskContext';
import { appendIfOwned, Owner } from './ownership';
import { getMetricsBatcher } from './metricsBatcher';
import { getProgressBuffer } from './progressBuffer';
import { getNotesBuffer } from './notesBuffer';

export type ReporterSettings = {
  readonly flushMs: number;
  readonly maxMetricsPerAppend: number;
  readonly onError: (error: unknown, taskId?: string) => void;
  /** The task turned out not to be ours any more. */
  readonly onLost: () => void;
};

const decodeMetric = decodeWith(MetricReport, 'metric report');

const checkedPercentage = (percentage: number) => {
  if (typeof percentage !== 'number' || !Number.isFinite(percentage) || percentage < 0 || percentage > 100) {
    throw invalidRequest(`progress must be a number from 0 to 100, got ${String(percentage)}`, 'percentage');
  }
  return percentage;
};

/**
 * One run's reports: metrics, progress and log lines are buffered and flushed every `flushMs`
 * (flushes never overlap, and keep the order reports were made in within each kind); artifacts
 * go at once. Every append checks the task is still this run's first (ownership.ts).
 */
export const getTaskReporter = (deps: WorkerDeps, owner: Owner, settings: ReporterSettings) => {
  const { engine } = deps;
  const id = owner.taskId;
  const worker = owner.workerId;
  let appends = 0;
  let lost = false;
  let closed = false;

  const sendOwned = async (send: (expectedRevision: bigint) => Promise<CommandResult>) => {
    if (lost) return;
    const outcome = await appendIfOwned(deps, owner, (expectedRevision) => send(expectedRevision));
    if (outcome.kind === 'appended') {
      appends++;
      return;
    }
    lost = true;
    metrics.drop();
    settings.onLost();
  };
  const as = (expectedRevision: bigint) => ({ actor: worker, expectedRevision });

  const metrics = getMetricsBatcher({
    maxPerAppend: settings.maxMetricsPerAppend,
    send: (reports) => sendOwned((rev) => engine.reportMetrics({ id, worker, metrics: reports }, as(rev))),
    onFull: () => void flush(),
  });
  const progress = getProgressBuffer();
  const notes = getNotesBuffer();

  const flushOnce = async () => {
    const text = notes.take();
    if (text !== undefined && text.trim() !== '') {
      await sendOwned((rev) => engine.reportExecution({ id, worker, reason: text }, as(rev)));
    }
    for (const { percentage, step } of progress.take()) {
      const sub_step = step === undefined || step === '' ? {} : { sub_step: step };
      await sendOwned((rev) => engine.reportProgress({ id, worker, percentage, ...sub_step }, as(rev)));
    }
    await metrics.flush();
  };

  let flushing: Promise<void> = Promise.resolve();
  /** Queues a flush behind the one running; a failed flush is reported, and the next one goes on. */
  const flush = (): Promise<void> =>
    (flushing = flushing.then(flushOnce).catch((error: unknown) => settings.onError(error, id)));

  const timer = setInterval(() => void flush(), settings.flushMs);
  const accepting = () => !closed && !lost;

  return {
    reportMetrics: (input: MetricInput | readonly MetricInput[]) => {
      const inputs: readonly MetricInput[] = Array.isArray(input) ? input : [input as MetricInput];
      const now = deps.clock().toISOString();
      // Checked now, so a bad report fails the call that made it, not a flush much later.
      const reports = inputs.map((one) => {
        const decoded = decodeMetric(one.timestamp === undefined ? { ...one, timestamp: now } : one);
        if (isLeft(decoded)) throw decoded.left;
        return decoded.right;
      });
      if (accepting()) for (const report of reports) metrics.add(report);
    },
    progress: (percentage: number, step?: string) => {
      const checked = checkedPercentage(percentage);
      if (accepting()) progress.add(checked, step);
    },
    log: (message: string) => {
      if (accepting()) notes.add(String(message));
    },
    warn: (message: string) => {
      if (accepting()) notes.add(`warning: ${String(message)}`);
    },
    addArtifacts: async (artifacts: readonly Artifact[]) => {
      if (!accepting()) return;
      await sendOwned((rev) => engine.addArtifacts({ id, worker, artifacts: [...artifacts] }, as(rev)));
    },
    flush,
    /** How many appends this run has made: a heartbeat is not needed after a report. */
    get appends() {
      return appends;
    },
    /** Stops the timer and sends what is left: called before the run's last status change. */
    close: async () => {
      clearInterval(timer);
      closed = true;
      await flush();
    },
  };
};
export type TaskReporter = ReturnType<typeof getTaskReporter>;
