import type { CommandType } from '../../domain/commands';
import { numberish, list, keyValue, namedLog } from './options';

/** One CLI option and the command field it fills. */
export type OptionSpec = {
  readonly flags: string;
  readonly field: string;
  readonly description: string;
  readonly parse?: (value: string, previous: never) => unknown;
};

export type CommandSpec = {
  readonly command: CommandType;
  readonly description: string;
  readonly options: readonly OptionSpec[];
};

const o = (flags: string, field: string, description: string, parse?: OptionSpec['parse']): OptionSpec =>
  parse === undefined ? { flags, field, description } : { flags, field, description, parse };

const force = o('--force', 'force', 'skip the status rules (recorded as forced)');
const reason = o('--reason <text>', 'status_reason', 'why (status_reason, and the event metadata reason)');
const message = o('--message <text>', 'status_message', 'status_message');
const statusOptions = [force, reason, message];
const worker = o('--worker <id>', 'worker', 'the worker acting on the task');

const definition = [
  o('--project <name>', 'project', 'project'),
  o('--parent <id>', 'parent', 'parent task id'),
  o('--tags <a,b>', 'tags', 'tags, comma-separated', list),
  o('--system-tags <a,b>', 'system_tags', 'system tags, comma-separated', list),
  o('--comment <text>', 'comment', 'comment'),
  o('--param <key=value>', 'parameters', 'a parameter (repeatable)', keyValue as OptionSpec['parse']),
  o('--output-destination <uri>', 'output_destination', 'where outputs go'),
];

/** Every task command, in the order `--help` lists them. Subcommands are the names in kebab-case. */
export const commandSpecs: readonly CommandSpec[] = [
  {
    command: 'create',
    description: 'create a task (prints {"id": …})',
    options: [
      o('--id <id>', 'id', 'task id (generated when absent)'),
      o('--name <name>', 'name', 'task name (required)'),
      o('--type <type>', 'type', 'training, testing, inference, data_processing, … (required)'),
      ...definition,
    ],
  },
  {
    command: 'edit',
    description: 'edit the definition of a created task',
    options: [
      o('--name <name>', 'name', 'task name'),
      o('--type <type>', 'type', 'task type'),
      ...definition,
      force,
    ],
  },
  {
    command: 'update',
    description: 'update user-settable fields in any status',
    options: [
      o('--name <name>', 'name', 'task name'),
      o('--comment <text>', 'comment', 'comment'),
      o('--tags <a,b>', 'tags', 'tags', list),
      o('--system-tags <a,b>', 'system_tags', 'system tags', list),
      o('--project <name>', 'project', 'project'),
      o('--status-message <text>', 'status_message', 'status message'),
      o('--output-error <text>', 'output_error', 'output error'),
    ],
  },
  {
    command: 'enqueue',
    description: 'queue the task',
    options: [o('--queue <name>', 'queue', 'queue (default: default)'), ...statusOptions],
  },
  {
    command: 'dequeue',
    description: 'take a queued task off its queue',
    options: [o('--new-status <status>', 'new_status', 'created, stopped or failed'), reason, message],
  },
  { command: 'started', description: 'mark the task in progress', options: [worker, ...statusOptions] },
  { command: 'stop', description: 'stop the task, or ask its active worker to', options: [force, reason] },
  { command: 'stopped', description: 'the task has stopped', options: [worker, ...statusOptions] },
  {
    command: 'failed',
    description: 'the task failed',
    options: [o('--error <text>', 'error', 'the error'), worker, ...statusOptions],
  },
  {
    command: 'completed',
    description: 'the task completed',
    options: [
      o('--publish', 'publish', 'publish it too'),
      o('--result <text>', 'result', 'output result'),
      worker,
      ...statusOptions,
    ],
  },
  { command: 'close', description: 'close a stopped task', options: statusOptions },
  { command: 'publish', description: 'publish the task', options: statusOptions },
  {
    command: 'reset',
    description: 'reset the task to created',
    options: [o('--clear-all', 'clear_all', 'also clear execution and script'), force],
  },
  { command: 'delete', description: 'delete the task (its history stays)', options: [force] },
  { command: 'archive', description: 'archive the task', options: [reason, message] },
  { command: 'ping', description: 'the task is alive', options: [worker] },
  {
    command: 'report_metrics',
    description: 'report one metric value',
    options: [
      o('--metric <name>', 'metric', 'metric (title)'),
      o('--variant <name>', 'variant', 'variant (series)'),
      o('--iteration <n>', 'iteration', 'iteration', numberish),
      o('--value <x>', 'value', 'value', numberish),
      worker,
    ],
  },
  {
    command: 'add_artifacts',
    description: 'add or replace an artifact',
    options: [
      o('--key <key>', 'key', 'artifact key'),
      o('--mode <mode>', 'mode', 'input or output'),
      o('--uri <uri>', 'uri', 'where it is'),
      o('--artifact-type <type>', 'type', 'artifact type'),
      worker,
    ],
  },
  {
    command: 'report_execution',
    description: 'attach logs, custom info or a reason to the current execution attempt',
    options: [
      o('--phase-version <n>', 'phase_version', 'increments with each report in a phase', numberish),
      o('--log <name=uri>', 'logs', 'a log (repeatable)', namedLog as OptionSpec['parse']),
      o('--reason <text>', 'reason', 'a reason'),
      worker,
    ],
  },
  {
    command: 'report_progress',
    description: 'report progress',
    options: [
      o('--percentage <n>', 'percentage', '0..100', numberish),
      o('--sub-step <name>', 'sub_step', 'a completed step'),
      worker,
    ],
  },
];

/** Some commands take nested data: the CLI's flat options are shaped into it here. */
export const shapeData = (command: CommandType, fields: Record<string, unknown>): Record<string, unknown> => {
  if (command === 'report_metrics') {
    const { id, worker: w, ...metric } = fields;
    return { id, metrics: [metric], ...(w === undefined ? {} : { worker: w }) };
  }
  if (command === 'add_artifacts') {
    const { id, worker: w, ...artifact } = fields;
    return { id, artifacts: [artifact], ...(w === undefined ? {} : { worker: w }) };
  }
  return fields;
};

export const kebab = (command: string) => command.replace(/_/g, '-');
