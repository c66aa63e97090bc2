import * as t from 'io-ts';
import { Status } from './status';

/** A task id: safe inside a stream name (`task-<id>`), a file name and a URL. */
export const TaskId = new t.Type<string, string, unknown>(
  'TaskId',
  (u): u is string => typeof u === 'string' && /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/.test(u),
  (u, c) =>
    typeof u === 'string' && /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/.test(u)
      ? t.success(u)
      : t.failure(u, c, 'expected a task id: 1-128 letters, digits, _ . : - (not starting with a symbol)'),
  t.identity,
);

/** ClearML's task types. */
export const TaskType = t.keyof({
  training: null,
  testing: null,
  inference: null,
  data_processing: null,
  application: null,
  monitor: null,
  controller: null,
  optimizer: null,
  service: null,
  qc: null,
  custom: null,
});
export type TaskType = t.TypeOf<typeof TaskType>;

export const Artifact = t.intersection([
  t.type({ key: t.string, mode: t.keyof({ input: null, output: null }) }),
  t.partial({ type: t.string, uri: t.string, content_size: t.number, hash: t.string }),
]);
export type Artifact = t.TypeOf<typeof Artifact>;

export const Parameters = t.record(t.string, t.union([t.string, t.number, t.boolean]));

export const Execution = t.intersection([
  t.type({ parameters: Parameters, artifacts: t.array(Artifact) }),
  t.partial({ model: t.string, docker_cmd: t.string }),
]);
export type Execution = t.TypeOf<typeof Execution>;

export const Script = t.partial({
  repository: t.string,
  branch: t.string,
  version_num: t.string,
  entry_point: t.string,
  working_dir: t.string,
  binary: t.string,
});
export type Script = t.TypeOf<typeof Script>;

export const Output = t.partial({ destination: t.string, result: t.string, error: t.string });
export type Output = t.TypeOf<typeof Output>;

/** ClearML's last_metrics entry for one metric and variant. */
export const MetricStats = t.type({
  metric: t.string,
  variant: t.string,
  value: t.number,
  iteration: t.number,
  timestamp: t.string,
  min_value: t.number,
  min_value_iteration: t.number,
  max_value: t.number,
  max_value_iteration: t.number,
  first_value: t.number,
  first_value_iteration: t.number,
  count: t.number,
  mean_value: t.number,
});
export type MetricStats = t.TypeOf<typeof MetricStats>;

/** metric → variant → stats */
export const LastMetrics = t.record(t.string, t.record(t.string, MetricStats));
export type LastMetrics = t.TypeOf<typeof LastMetrics>;

export const SubStep = t.type({ name: t.string, at: t.string });

/**
 * The task document: ClearML's task (seed 003) with Nutanix's progress, steps, errors and
 * warnings (seed 004). Optional fields are absent, not null, while unset.
 */
export const Task = t.intersection([
  t.type({
    id: t.string,
    name: t.string,
    type: TaskType,
    user: t.string,
    tags: t.array(t.string),
    system_tags: t.array(t.string),
    comment: t.string,
    status: Status,
    status_reason: t.string,
    status_message: t.string,
    created: t.string,
    status_changed: t.string,
    last_update: t.string,
    last_changed_by: t.string,
    execution: Execution,
    output: Output,
    last_metrics: LastMetrics,
    progress_percentage: t.number,
    sub_steps: t.array(SubStep),
    error_messages: t.array(t.string),
    warnings: t.array(t.string),
    is_cancelable: t.boolean,
  }),
  t.partial({
    project: t.string,
    parent: t.string,
    script: Script,
    started: t.string,
    completed: t.string,
    published: t.string,
    last_iteration: t.number,
    queue: t.string,
    enqueue_status: Status,
    /** The last worker that started, pinged or reported for this task. */
    worker: t.string,
    /** When that worker last pinged or reported: what `stop` looks at. */
    last_worker_report: t.string,
    /** Seconds between `started` and the last ping while in progress. */
    active_duration: t.number,
    completion_details: t.record(t.string, t.string),
    /** The last phase_version a worker reported for the current execution phase (Flyte). */
    phase_version: t.number,
  }),
]);
export type Task = t.TypeOf<typeof Task>;

/** The system tags with a meaning to the rules. */
export const SystemTag = { archived: 'archived', development: 'development' } as const;

export const streamNameOf = (id: string): string => `task-${id}`;
export const TASK_STREAM_PREFIX = 'task-';
