import * as t from 'io-ts';
import { Either, left, map } from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import { strictObject, NonEmptyString, decodeWith } from './decode';
import { TaskId, TaskType, Artifact, Parameters, Script } from './task';
import { DequeueStatus } from './status';
import { TaskledgerError, invalidRequest } from './errors';

const Tags = t.array(t.string);
const Percentage = new t.Type<number, number, unknown>(
  'Percentage',
  (u): u is number => typeof u === 'number' && u >= 0 && u <= 100,
  (u, c) =>
    typeof u === 'number' && Number.isFinite(u) && u >= 0 && u <= 100
      ? t.success(u)
      : t.failure(u, c, 'expected a number from 0 to 100'),
  t.identity,
);
const FiniteNumber = new t.Type<number, number, unknown>(
  'FiniteNumber',
  (u): u is number => typeof u === 'number' && Number.isFinite(u),
  (u, c) =>
    typeof u === 'number' && Number.isFinite(u) ? t.success(u) : t.failure(u, c, 'expected a finite number'),
  t.identity,
);
const Iteration = new t.Type<number, number, unknown>(
  'Iteration',
  (u): u is number => Number.isSafeInteger(u),
  (u, c) => (Number.isSafeInteger(u) ? t.success(u as number) : t.failure(u, c, 'expected an integer')),
  t.identity,
);

/** What every status-changing command may carry (ClearML's force, status_reason, status_message). */
const statusOptions = { force: t.boolean, status_reason: t.string, status_message: t.string };
const worker = { worker: NonEmptyString };
const byId = { id: TaskId };

/** The definition fields `create` sets and `edit` may change. */
const definition = {
  project: t.string,
  parent: TaskId,
  tags: Tags,
  system_tags: Tags,
  comment: t.string,
  parameters: Parameters,
  script: Script,
  output_destination: t.string,
};

export const MetricReport = strictObject(
  'MetricReport',
  { metric: NonEmptyString, variant: t.string, iteration: Iteration, value: FiniteNumber },
  { timestamp: t.string },
);
export type MetricReport = t.TypeOf<typeof MetricReport>;

/** A log a worker attaches to the current execution attempt (Flyte's TaskLog). */
export const ExecutionLog = strictObject('ExecutionLog', { name: t.string, uri: NonEmptyString });
export type ExecutionLog = t.TypeOf<typeof ExecutionLog>;

/** The data of each command, by the command's name (ClearML's endpoint name). */
export const commandCodecs = {
  create: strictObject(
    'create',
    { name: NonEmptyString, type: TaskType },
    {
      id: TaskId,
      ...definition,
    },
  ),
  edit: strictObject('edit', byId, {
    name: NonEmptyString,
    type: TaskType,
    ...definition,
    force: t.boolean,
  }),
  update: strictObject('update', byId, {
    name: NonEmptyString,
    comment: t.string,
    tags: Tags,
    system_tags: Tags,
    project: t.string,
    status_message: t.string,
    output_error: t.string,
  }),
  enqueue: strictObject('enqueue', byId, { queue: NonEmptyString, ...statusOptions }),
  dequeue: strictObject('dequeue', byId, {
    new_status: DequeueStatus,
    status_reason: t.string,
    status_message: t.string,
  }),
  started: strictObject('started', byId, { ...worker, ...statusOptions }),
  stop: strictObject('stop', byId, statusOptions),
  stopped: strictObject('stopped', byId, { ...worker, ...statusOptions }),
  failed: strictObject('failed', byId, { ...worker, error: t.string, ...statusOptions }),
  completed: strictObject('completed', byId, {
    ...worker,
    publish: t.boolean,
    result: t.string,
    completion_details: t.record(t.string, t.string),
    ...statusOptions,
  }),
  close: strictObject('close', byId, statusOptions),
  publish: strictObject('publish', byId, statusOptions),
  reset: strictObject('reset', byId, { clear_all: t.boolean, force: t.boolean }),
  delete: strictObject('delete', byId, { force: t.boolean }),
  archive: strictObject('archive', byId, {
    status_reason: t.string,
    status_message: t.string,
  }),
  ping: strictObject('ping', byId, worker),
  report_metrics: strictObject('report_metrics', { ...byId, metrics: t.array(MetricReport) }, worker),
  add_artifacts: strictObject('add_artifacts', { ...byId, artifacts: t.array(Artifact) }, worker),
  report_execution: strictObject('report_execution', byId, {
    ...worker,
    phase_version: Iteration,
    logs: t.array(ExecutionLog),
    custom_info: t.record(t.string, t.unknown),
    reason: NonEmptyString,
  }),
  report_progress: strictObject(
    'report_progress',
    { ...byId, percentage: Percentage },
    {
      ...worker,
      sub_step: NonEmptyString,
    },
  ),
} as const;

type Codecs = typeof commandCodecs;
export type CommandType = keyof Codecs;
export type CommandData<K extends CommandType> = t.TypeOf<Codecs[K]>;
/** A command: what to do (`type`) and with what (`data`). */
export type CommandOf<K extends CommandType> = { readonly type: K; readonly data: CommandData<K> };
export type Command = { [K in CommandType]: CommandOf<K> }[CommandType];

export const commandTypes = Object.keys(commandCodecs) as CommandType[];

export const isCommandType = (u: unknown): u is CommandType =>
  typeof u === 'string' && Object.prototype.hasOwnProperty.call(commandCodecs, u);

/** Decodes a command's data at the boundary: a missing or mistyped field is `invalid_request`. */
export const decodeCommandData = <K extends CommandType>(
  type: K,
  data: unknown,
): Either<TaskledgerError, CommandData<K>> => {
  const codec = commandCodecs[type] as t.Type<CommandData<K>, CommandData<K>, unknown>;
  return decodeWith(codec, `${type} command`)(data);
};

/** Decodes any command: an unknown `type` is `invalid_request` listing the known ones. */
export const decodeCommand = (input: unknown): Either<TaskledgerError, Command> => {
  const { type, data } = (typeof input === 'object' && input !== null ? input : {}) as {
    type?: unknown;
    data?: unknown;
  };
  if (!isCommandType(type)) {
    return left(invalidRequest(`unknown command ${JSON.stringify(type)}`, 'type', { known: commandTypes }));
  }
  return pipe(
    decodeCommandData(type, data),
    map((decoded) => ({ type, data: decoded }) as Command),
  );
};
