import type { ProjectedEvent } from './projection';
import { projection } from './projection';
import type { ExecutionLog } from '../domain/commands';

/** Flyte's TaskExecution phases. SUCCEEDED, FAILED and ABORTED are terminal. */
export type Phase = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';
export const terminalPhases: ReadonlySet<Phase> = new Set(['SUCCEEDED', 'FAILED', 'ABORTED']);

export type ExecutionReason = { readonly at: string; readonly reason: string; readonly message?: string };

/** One attempt at running a task (reference/executions.md). */
export type Execution = {
  readonly task_id: string;
  readonly attempt: number;
  readonly phase: Phase;
  readonly created_at: string;
  readonly updated_at: string;
  readonly started_at?: string;
  /** Seconds from started_at to the terminal event; absent when it never ran. */
  readonly duration?: number;
  readonly output?: string;
  readonly error?: string;
  readonly logs: readonly ExecutionLog[];
  readonly custom_info: Readonly<Record<string, unknown>>;
  readonly reasons: readonly ExecutionReason[];
  readonly worker?: string;
  readonly phase_version?: number;
};

export type TaskExecutions = { readonly task_id: string; readonly attempts: readonly Execution[] };

const isOpen = (e: Execution | undefined): e is Execution => e !== undefined && !terminalPhases.has(e.phase);

/** Flyte's log merge: new logs first, then old ones sharing neither uri nor name with any new one. */
export const mergeLogs = (old: readonly ExecutionLog[], fresh: readonly ExecutionLog[]): ExecutionLog[] => [
  ...fresh,
  ...old.filter((o) => fresh.every((n) => n.uri !== o.uri && n.name !== o.name)),
];

const withReason = (reasons: readonly ExecutionReason[], at: string, reason: string, message?: string) => {
  const last = reasons[reasons.length - 1];
  // A reason equal to the last one is not appended again.
  if (reason === '' || (last?.reason === reason && last.message === message)) return reasons;
  return [...reasons, { at, reason, ...(message ? { message } : {}) }];
};

const seconds = (from: string, to: string) => Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000);

const open = (taskId: string, attempt: number, phase: Phase, at: string, worker?: string): Execution => ({
  task_id: taskId,
  attempt,
  phase,
  created_at: at,
  updated_at: at,
  ...(phase === 'RUNNING' ? { started_at: at } : {}),
  ...(worker === undefined ? {} : { worker }),
  logs: [],
  custom_info: {},
  reasons: [],
});

const finish = (e: Execution, phase: Phase, at: string, extra: Partial<Execution> = {}): Execution => ({
  ...e,
  ...extra,
  phase,
  updated_at: at,
  ...(e.started_at === undefined ? {} : { duration: seconds(e.started_at, at) }),
});

/** The next state of the attempts after one event. */
const step = (attempts: readonly Execution[], event: ProjectedEvent): readonly Execution[] => {
  const at = event.metadata.at;
  const current = attempts[attempts.length - 1];
  const replaceCurrent = (next: Execution) => [...attempts.slice(0, -1), next];
  const statusReason = (e: Execution) =>
    'status_reason' in event.data
      ? withReason(e.reasons, at, event.data.status_reason, event.data.status_message || undefined)
      : e.reasons;
  switch (event.type) {
    case 'TaskEnqueued':
      return isOpen(current)
        ? attempts
        : [...attempts, open(event.taskId, attempts.length + 1, 'QUEUED', at)];
    case 'TaskStarted': {
      if (event.data.from === 'in_progress') return attempts;
      if (isOpen(current) && current.phase === 'QUEUED') {
        return replaceCurrent({
          ...current,
          phase: 'RUNNING',
          updated_at: at,
          started_at: current.started_at ?? at,
          ...(event.data.worker === undefined ? {} : { worker: event.data.worker }),
        });
      }
      return [...attempts, open(event.taskId, attempts.length + 1, 'RUNNING', at, event.data.worker)];
    }
    case 'TaskStopRequested':
      return isOpen(current)
        ? replaceCurrent({
            ...current,
            updated_at: at,
            reasons: withReason(current.reasons, at, 'stop requested', event.metadata.actor),
          })
        : attempts;
    case 'TaskCompleted':
      return isOpen(current)
        ? replaceCurrent(
            finish(
              { ...current, reasons: statusReason(current) },
              'SUCCEEDED',
              at,
              event.data.result === undefined ? {} : { output: event.data.result },
            ),
          )
        : attempts;
    case 'TaskFailed': {
      if (!isOpen(current)) return attempts;
      const error = event.data.error ?? event.data.status_reason;
      return replaceCurrent(
        finish({ ...current, reasons: statusReason(current) }, 'FAILED', at, error ? { error } : {}),
      );
    }
    case 'TaskStopped':
    case 'TaskDequeued':
    case 'TaskReset':
    case 'TaskArchived':
      return isOpen(current)
        ? replaceCurrent(finish({ ...current, reasons: statusReason(current) }, 'ABORTED', at))
        : attempts;
    case 'ExecutionReported': {
      if (!isOpen(current)) return attempts;
      const { logs, custom_info, reason, phase_version } = event.data;
      return replaceCurrent({
        ...current,
        updated_at: at,
        ...(logs === undefined ? {} : { logs: mergeLogs(current.logs, logs) }),
        ...(custom_info === undefined ? {} : { custom_info: { ...current.custom_info, ...custom_info } }),
        ...(reason === undefined ? {} : { reasons: withReason(current.reasons, at, reason) }),
        ...(phase_version === undefined ? {} : { phase_version }),
      });
    }
    default:
      return attempts;
  }
};

/** Flyte's TaskExecution per attempt: enqueue or start opens one, each terminal event closes it. */
export const executions = projection<TaskExecutions>({
  name: 'executions',
  version: 1,
  handles: new Set([
    'TaskCreated',
    'TaskEnqueued',
    'TaskStarted',
    'TaskStopRequested',
    'TaskCompleted',
    'TaskFailed',
    'TaskStopped',
    'TaskDequeued',
    'TaskReset',
    'TaskArchived',
    'TaskDeleted',
    'ExecutionReported',
  ]),
  evolve: (doc, event) => {
    if (event.type === 'TaskCreated') return { task_id: event.taskId, attempts: [] };
    if (doc === undefined) return undefined;
    // A deleted task leaves the read models (its history stays in the log).
    if (event.type === 'TaskDeleted') return undefined;
    const attempts = step(doc.attempts, event);
    return attempts === doc.attempts ? doc : { ...doc, attempts };
  },
  columns: {},
});
