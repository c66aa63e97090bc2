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

/**
 * A copy of the task made for one event, which the steps below change in place: one copy per
 * event however many fields move (a copy per step was most of what folding a log cost). Nested
 * objects and arrays are still replaced, never changed: the previous task shares them.
 */
type Draft = Task;

const touch = (task: Draft, m: EventMetadata): void => {
  task.last_update = m.at;
  task.last_changed_by = m.actor;
};

const touched = (task: Task, m: EventMetadata): Task => {
  const next = { ...task };
  touch(next, m);
  return next;
};

/** A worker's ping or report: what `stop` reads to tell a live worker from a gone one. */
const reportBy = (task: Draft, worker: string | undefined, m: EventMetadata): void => {
  if (worker === undefined) return;
  task.worker = worker;
  task.last_worker_report = m.at;
};

/** The fields every status change writes. */
const changeStatus = (task: Draft, change: StatusChange, m: EventMetadata): void => {
  // A new phase starts its phase_version over.
  if (change.from !== change.to) delete task.phase_version;
  touch(task, m);
  task.status = change.to;
  task.status_reason = change.status_reason;
  task.status_message = change.status_message;
  task.status_changed = m.at;
  task.is_cancelable = isCancelable(change.to);
};

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

// Edits spread their changes (never Object.assign: a stored `__proto__` key must stay a plain field).
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

const start = (task: Draft, data: EventData<'TaskStarted'>, m: EventMetadata): void => {
  // A repeated `started` keeps the earliest start; a new run starts the clock again.
  const keepsStart = data.from === 'in_progress' && task.started !== undefined;
  delete task.completed;
  delete task.active_duration;
  changeStatus(task, data, m);
  if (!keepsStart) task.started = m.at;
  reportBy(task, data.worker, m);
};

const reset = (task: Draft, data: EventData<'TaskReset'>, m: EventMetadata): Task => {
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
  changeStatus(cleared, data, m);
  const { result: _result, error: _error, ...output } = task.output;
  const base: Task = {
    ...cleared,
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

const live = (task: Task): TaskState => ({ kind: 'live', task });

/** How a fold gets the task it changes in place: a copy, or the task itself when only the caller holds it. */
type DraftOf = (task: Task) => Draft;
const copied: DraftOf = (task) => ({ ...task });
const itself: DraftOf = (task) => task;

const evolveWith = (state: TaskState, event: TaskEventEnvelope, draftOf: DraftOf): TaskState => {
  const m = event.metadata;
  switch (event.type) {
    case 'TaskCreated':
      return state.kind === 'absent' ? live(created(event.data, m)) : state;
    case 'TaskDeleted':
      return state.kind === 'live' ? { kind: 'deleted', task: touched(state.task, m) } : state;
    default:
      return state.kind === 'live' ? live(evolveLive(draftOf(state.task), event, m)) : state;
  }
};

/**
 * Folds one recorded event into a task. Plain code, no machine: each event already says what
 * happened, so replaying a history never re-decides it.
 */
export const evolve = (state: TaskState, event: TaskEventEnvelope): TaskState =>
  evolveWith(state, event, copied);

/**
 * `evolve` for a task that only the caller holds, such as the one its fold of the previous
 * event returned: changed in place rather than copied first, which is most of what folding a
 * long history costs. Its nested objects and arrays are still replaced, never changed, so
 * whatever shares them is left as it was.
 */
export const evolveOwned = (state: TaskState, event: TaskEventEnvelope): TaskState =>
  evolveWith(state, event, itself);

/** The next task after `event`: mostly `task` itself, changed in place (see Draft). */
const evolveLive = (task: Draft, event: TaskEventEnvelope, m: EventMetadata): Task => {
  switch (event.type) {
    case 'TaskCreated':
    case 'TaskDeleted':
      return task;
    case 'TaskEdited': {
      const next = edited(task, event.data);
      touch(next, m);
      return next;
    }
    case 'TaskUpdated': {
      const next = updated(task, event.data);
      touch(next, m);
      return next;
    }
    case 'TaskEnqueued': {
      const { queue, enqueue_status } = event.data;
      changeStatus(task, event.data, m);
      task.queue = queue ?? 'default';
      if (enqueue_status !== undefined) task.enqueue_status = enqueue_status;
      task.system_tags = task.system_tags.filter((tag) => tag !== SystemTag.development);
      return task;
    }
    case 'TaskDequeued':
      delete task.enqueue_status;
      changeStatus(task, event.data, m);
      return task;
    case 'TaskStarted':
      start(task, event.data, m);
      return task;
    case 'TaskStopRequested':
    case 'TaskClosed':
      changeStatus(task, event.data, m);
      return task;
    case 'TaskStopped':
      changeStatus(task, event.data, m);
      task.completed = m.at;
      reportBy(task, event.data.worker, m);
      return task;
    case 'TaskFailed':
      fail(task, event, m);
      return task;
    case 'TaskCompleted':
      complete(task, event, m);
      return task;
    case 'TaskPublished':
      changeStatus(task, event.data, m);
      task.published = m.at;
      return task;
    case 'TaskReset':
      return reset(task, event.data, m);
    case 'TaskArchived': {
      const { system_tags } = task;
      if (event.data.from === 'queued') delete task.enqueue_status;
      changeStatus(task, event.data, m);
      task.system_tags = system_tags.includes(SystemTag.archived)
        ? system_tags
        : [...system_tags, SystemTag.archived];
      return task;
    }
    case 'TaskPinged':
      reportBy(task, event.data.worker, m);
      keepAlive(task, m);
      return task;
    case 'MetricsReported': {
      const last_iteration = maxIteration(event.data.metrics, task.last_iteration);
      reportBy(task, event.data.worker, m);
      task.last_metrics = foldMetrics(task.last_metrics, event.data.metrics, m.at);
      if (last_iteration !== undefined) task.last_iteration = last_iteration;
      keepAlive(task, m);
      return task;
    }
    case 'ProgressReported':
      reportBy(task, event.data.worker, m);
      progress(task, event.data, m);
      keepAlive(task, m);
      return task;
    case 'ExecutionReported':
      reportBy(task, event.data.worker, m);
      if (event.data.phase_version !== undefined) task.phase_version = event.data.phase_version;
      keepAlive(task, m);
      return task;
    case 'ArtifactsAdded':
      reportBy(task, event.data.worker, m);
      task.execution = withArtifacts(task, event.data.artifacts);
      touch(task, m);
      return task;
  }
};

/** A ping or report: the task is alive now, and its active duration moves. */
const keepAlive = (task: Draft, m: EventMetadata): void => {
  const duration = activeDuration(task, m.at);
  touch(task, m);
  if (duration !== undefined) task.active_duration = duration;
};

const fail = (task: Draft, event: TaskEventOf<'TaskFailed'>, m: EventMetadata): void => {
  const { error, worker } = event.data;
  changeStatus(task, event.data, m);
  task.completed = m.at;
  reportBy(task, worker, m);
  if (error === undefined) return;
  task.output = { ...task.output, error };
  task.error_messages = [...task.error_messages, error];
};

const complete = (task: Draft, event: TaskEventOf<'TaskCompleted'>, m: EventMetadata): void => {
  const { result, completion_details, worker } = event.data;
  changeStatus(task, event.data, m);
  task.completed = m.at;
  task.progress_percentage = 100;
  if (result !== undefined) task.output = { ...task.output, result };
  if (completion_details !== undefined) task.completion_details = completion_details;
  reportBy(task, worker, m);
};

const progress = (task: Draft, data: EventData<'ProgressReported'>, m: EventMetadata): void => {
  task.progress_percentage = nextProgress(task.status, task.progress_percentage, data.percentage);
  if (data.sub_step !== undefined) task.sub_steps = [...task.sub_steps, { name: data.sub_step, at: m.at }];
};

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

/**
 * `evolve` for one fold, which starts from a state others may hold: the first event that
 * changes the state copies its task, and the events after it change that copy in place. (A
 * state `evolve` returns other than the one it was given always holds a task of its own.)
 */
export const foldingEvolve = (): ((state: TaskState, event: TaskEventEnvelope) => TaskState) => {
  let owned = false;
  return (state, event) => {
    const next = owned ? evolveOwned(state, event) : evolve(state, event);
    owned ||= next !== state;
    return next;
  };
};

/** Folds a whole history. */
export const fold = (events: Iterable<TaskEventEnvelope>, from: TaskState = initialState): TaskState => {
  const step = foldingEvolve();
  let state = from;
  for (const event of events) state = step(state, event);
  return state;
};
