import type { Task } from './task';
import { SystemTag } from './task';
import type { TaskEventEnvelope, EventMetadata, StatusChange, TaskEventOf, EventData } from './events';
import { isCancelable } from './status';
import { TaskState, initialState } from './taskState';
import { foldMetrics, maxIteration } from './lastMetrics';
import { activeDuration } from './liveness';
import { nextProgress } from './progress';

const without = <T extends object, K extends keyof T>(value: T, ...keys: K[]): Omit<T, K> => {
  const copy = { ...value };
  for (const key of keys) delete copy[key];
  return copy;
};

const touched = (task: Task, m: EventMetadata): Task => ({
  ...task,
  last_update: m.at,
  last_changed_by: m.actor,
});

/** A worker's ping or report: what `stop` reads to tell a live worker from a gone one. */
const reportedBy = (task: Task, worker: string | undefined, m: EventMetadata): Task =>
  worker === undefined ? task : { ...task, worker, last_worker_report: m.at };

/** The fields every status change writes. */
const changeStatus = (task: Task, change: StatusChange, m: EventMetadata): Task => ({
  // A new phase starts its phase_version over.
  ...touched(change.from === change.to ? task : without(task, 'phase_version'), m),
  status: change.to,
  status_reason: change.status_reason,
  status_message: change.status_message,
  status_changed: m.at,
  is_cancelable: isCancelable(change.to),
});

const created = (data: EventData<'TaskCreated'>, m: EventMetadata): Task => ({
  id: data.id,
  name: data.name,
  type: data.type,
  user: m.actor,
  tags: data.tags ?? [],
  system_tags: data.system_tags ?? [],
  comment: data.comment ?? '',
  status: 'created',
  status_reason: '',
  status_message: '',
  created: m.at,
  status_changed: m.at,
  last_update: m.at,
  last_changed_by: m.actor,
  execution: { parameters: data.parameters ?? {}, artifacts: [] },
  output: data.output_destination === undefined ? {} : { destination: data.output_destination },
  last_metrics: {},
  progress_percentage: 0,
  sub_steps: [],
  error_messages: [],
  warnings: [],
  is_cancelable: false,
  ...(data.project === undefined ? {} : { project: data.project }),
  ...(data.parent === undefined ? {} : { parent: data.parent }),
  ...(data.script === undefined ? {} : { script: data.script }),
});

const edited = (task: Task, { changes }: EventData<'TaskEdited'>): Task => {
  const { parameters, output_destination, ...plain } = changes;
  return {
    ...task,
    ...plain,
    ...(parameters === undefined ? {} : { execution: { ...task.execution, parameters } }),
    ...(output_destination === undefined
      ? {}
      : { output: { ...task.output, destination: output_destination } }),
  };
};

const updated = (task: Task, { changes }: EventData<'TaskUpdated'>): Task => {
  const { output_error, ...plain } = changes;
  return {
    ...task,
    ...plain,
    ...(output_error === undefined ? {} : { output: { ...task.output, error: output_error } }),
  };
};

const started = (task: Task, data: EventData<'TaskStarted'>, m: EventMetadata): Task => {
  // A repeated `started` keeps the earliest start; a new run starts the clock again.
  const keepsStart = data.from === 'in_progress' && task.started !== undefined;
  const next = changeStatus(without(task, 'completed', 'active_duration'), data, m);
  return reportedBy(
    { ...next, started: keepsStart && task.started !== undefined ? task.started : m.at },
    data.worker,
    m,
  );
};

const reset = (task: Task, data: EventData<'TaskReset'>, m: EventMetadata): Task => {
  const cleared = without(
    task,
    'last_iteration',
    'started',
    'completed',
    'published',
    'worker',
    'last_worker_report',
    'queue',
    'enqueue_status',
    'active_duration',
    'completion_details',
  );
  const { result: _result, error: _error, ...output } = task.output;
  const base: Task = {
    ...changeStatus(cleared, data, m),
    last_metrics: {},
    output,
    progress_percentage: 0,
    sub_steps: [],
    error_messages: [],
    warnings: [],
  };
  return data.clear_all
    ? { ...without(base, 'script'), execution: { parameters: {}, artifacts: [] } }
    : // A plain reset keeps the task's inputs and drops what the last run produced.
      {
        ...base,
        execution: {
          ...base.execution,
          artifacts: base.execution.artifacts.filter((a) => a.mode === 'input'),
        },
      };
};

const whenLive = (state: TaskState, apply: (task: Task) => TaskState): TaskState =>
  state.kind === 'live' ? apply(state.task) : state;

const live = (task: Task): TaskState => ({ kind: 'live', task });

/**
 * Folds one recorded event into a task. Plain code, no machine: each event already says what
 * happened, so replaying a history never re-decides it.
 */
export const evolve = (state: TaskState, event: TaskEventEnvelope): TaskState => {
  const m = event.metadata;
  switch (event.type) {
    case 'TaskCreated':
      return state.kind === 'absent' ? live(created(event.data, m)) : state;
    case 'TaskDeleted':
      return state.kind === 'live' ? { kind: 'deleted', task: touched(state.task, m) } : state;
    default:
      return whenLive(state, (task) => live(evolveLive(task, event, m)));
  }
};

const evolveLive = (task: Task, event: TaskEventEnvelope, m: EventMetadata): Task => {
  switch (event.type) {
    case 'TaskCreated':
    case 'TaskDeleted':
      return task;
    case 'TaskEdited':
      return touched(edited(task, event.data), m);
    case 'TaskUpdated':
      return touched(updated(task, event.data), m);
    case 'TaskEnqueued':
      return {
        ...changeStatus(task, event.data, m),
        queue: event.data.queue ?? 'default',
        ...(event.data.enqueue_status === undefined ? {} : { enqueue_status: event.data.enqueue_status }),
        system_tags: task.system_tags.filter((tag) => tag !== SystemTag.development),
      };
    case 'TaskDequeued':
      return changeStatus(without(task, 'enqueue_status'), event.data, m);
    case 'TaskStarted':
      return started(task, event.data, m);
    case 'TaskStopRequested':
    case 'TaskClosed':
      return changeStatus(task, event.data, m);
    case 'TaskStopped':
      return reportedBy({ ...changeStatus(task, event.data, m), completed: m.at }, event.data.worker, m);
    case 'TaskFailed':
      return failed(task, event, m);
    case 'TaskCompleted':
      return completed(task, event, m);
    case 'TaskPublished':
      return { ...changeStatus(task, event.data, m), published: m.at };
    case 'TaskReset':
      return reset(task, event.data, m);
    case 'TaskArchived':
      return {
        ...changeStatus(event.data.from === 'queued' ? without(task, 'enqueue_status') : task, event.data, m),
        system_tags: task.system_tags.includes(SystemTag.archived)
          ? task.system_tags
          : [...task.system_tags, SystemTag.archived],
      };
    case 'TaskPinged':
      return alive(reportedBy(task, event.data.worker, m), m);
    case 'MetricsReported': {
      const last_iteration = maxIteration(event.data.metrics, task.last_iteration);
      return alive(
        {
          ...reportedBy(task, event.data.worker, m),
          last_metrics: foldMetrics(task.last_metrics, event.data.metrics, m.at),
          ...(last_iteration === undefined ? {} : { last_iteration }),
        },
        m,
      );
    }
    case 'ProgressReported':
      return alive(progressed(reportedBy(task, event.data.worker, m), event.data, m), m);
    case 'ExecutionReported':
      return alive(
        event.data.phase_version === undefined
          ? reportedBy(task, event.data.worker, m)
          : { ...reportedBy(task, event.data.worker, m), phase_version: event.data.phase_version },
        m,
      );
    case 'ArtifactsAdded':
      return touched(
        { ...reportedBy(task, event.data.worker, m), execution: withArtifacts(task, event.data.artifacts) },
        m,
      );
  }
};

/** A ping or report: the task is alive now, and its active duration moves. */
const alive = (task: Task, m: EventMetadata): Task => {
  const duration = activeDuration(task, m.at);
  return { ...touched(task, m), ...(duration === undefined ? {} : { active_duration: duration }) };
};

const failed = (task: Task, event: TaskEventOf<'TaskFailed'>, m: EventMetadata): Task => {
  const { error, worker } = event.data;
  const next = reportedBy({ ...changeStatus(task, event.data, m), completed: m.at }, worker, m);
  return error === undefined
    ? next
    : { ...next, output: { ...next.output, error }, error_messages: [...next.error_messages, error] };
};

const completed = (task: Task, event: TaskEventOf<'TaskCompleted'>, m: EventMetadata): Task => {
  const { result, completion_details, worker } = event.data;
  return reportedBy(
    {
      ...changeStatus(task, event.data, m),
      completed: m.at,
      progress_percentage: 100,
      ...(result === undefined ? {} : { output: { ...task.output, result } }),
      ...(completion_details === undefined ? {} : { completion_details }),
    },
    worker,
    m,
  );
};

const progressed = (task: Task, data: EventData<'ProgressReported'>, m: EventMetadata): Task => ({
  ...task,
  progress_percentage: nextProgress(task.status, task.progress_percentage, data.percentage),
  sub_steps:
    data.sub_step === undefined ? task.sub_steps : [...task.sub_steps, { name: data.sub_step, at: m.at }],
});

const withArtifacts = (
  task: Task,
  artifacts: EventData<'ArtifactsAdded'>['artifacts'],
): Task['execution'] => {
  const replaced = (a: { key: string; mode: string }) =>
    artifacts.some((n) => n.key === a.key && n.mode === a.mode);
  return {
    ...task.execution,
    artifacts: [...task.execution.artifacts.filter((a) => !replaced(a)), ...artifacts],
  };
};

/** Folds a whole history. */
export const fold = (events: Iterable<TaskEventEnvelope>, from: TaskState = initialState): TaskState => {
  let state = from;
  for (const event of events) state = evolve(state, event);
  return state;
};
