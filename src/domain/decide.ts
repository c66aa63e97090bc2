import { Either, left, right, isLeft } from 'fp-ts/Either';
import type { Command, CommandData, CommandType } from './commands';
import type { TaskEvent, StatusChange } from './events';
import type { Task } from './task';
import { SystemTag } from './task';
import type { TaskState } from './taskState';
import type { MachineCommand, Target } from './machine';
import type { Status } from './status';
import { DequeueStatus } from './status';
import { isAllowed, allowedCommands } from './transitionTable';
import { hasActiveWorker } from './liveness';
import {
  TaskledgerError,
  alreadyExists,
  notFound,
  invalidTransition,
  invalidRequest,
  hasChildren,
} from './errors';

/**
 * What a decision needs besides the task: the time and who acts (passed in: the domain has no
 * clock), and facts about other tasks that the engine looked up.
 */
export type DecideContext = {
  readonly at: string;
  readonly actor: string;
  readonly workerTimeoutMs: number;
  /** For create/edit with a parent: does it exist, and its ancestors (to refuse a cycle). */
  readonly parent?: { readonly exists: boolean; readonly ancestors: readonly string[] };
  /** For reset/delete: the task's published children. */
  readonly publishedChildren?: readonly string[];
};

type Decision = Either<TaskledgerError, TaskEvent[]>;
type StatusOptions = { force?: boolean; status_reason?: string; status_message?: string };

const isArchived = (task: Task) => task.system_tags.includes(SystemTag.archived);

/** Asks the machine whether `command` may take `task` to `to`, and records whether force was needed. */
const transition = (
  task: Task,
  command: MachineCommand,
  to: Target,
  options: StatusOptions,
): Either<TaskledgerError, { forced?: true }> => {
  const archived = isArchived(task);
  if (isAllowed(task.status, command, to, { force: false, archived })) return right({});
  if (options.force === true && isAllowed(task.status, command, to, { force: true, archived }))
    return right({ forced: true });
  return left(
    invalidTransition({
      id: task.id,
      status: task.status,
      command,
      to: to === task.status ? undefined : to,
      allowed: allowedCommands(task.status, archived),
    }),
  );
};

const statusChange = (
  task: Task,
  command: MachineCommand,
  to: Status,
  options: StatusOptions,
): Either<TaskledgerError, StatusChange> => {
  const allowed = transition(task, command, to, options);
  if (isLeft(allowed)) return allowed;
  return right({
    from: task.status,
    to,
    status_reason: options.status_reason ?? '',
    status_message: options.status_message ?? '',
    ...allowed.right,
  });
};

const one =
  <E extends TaskEvent['type']>(type: E) =>
  (change: Either<TaskledgerError, StatusChange>, extra: object = {}): Decision =>
    isLeft(change) ? change : right([{ type, data: { ...change.right, ...extra } } as TaskEvent]);

const defined = <T extends object>(value: T): Partial<T> =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;

const checkParent = (
  id: string,
  parent: string | undefined,
  ctx: DecideContext,
): TaskledgerError | undefined => {
  if (parent === undefined) return undefined;
  if (parent === id || ctx.parent?.ancestors.includes(id)) {
    return invalidRequest(`task ${id} cannot be its own ancestor`, 'parent', { parent });
  }
  if (ctx.parent?.exists !== true)
    return new TaskledgerError('not_found', `parent ${parent} not found`, { parent });
  return undefined;
};

type LiveDecider<K extends CommandType> = (task: Task, data: CommandData<K>, ctx: DecideContext) => Decision;

/** Commands that keep the status still need the machine's leave (edit only when created, …). */
const stays =
  <K extends MachineCommand>(
    command: K,
    event: (task: Task, data: CommandData<K>, ctx: DecideContext) => Decision,
    options: (data: CommandData<K>) => StatusOptions = () => ({}),
  ): LiveDecider<K> =>
  (task, data, ctx) => {
    const allowed = transition(task, command, task.status, options(data));
    return isLeft(allowed) ? allowed : event(task, data, ctx);
  };

const deciders: { [K in Exclude<CommandType, 'create'>]: LiveDecider<K> } = {
  edit: stays(
    'edit',
    (task, { id: _id, force, ...changes }, ctx) => {
      const parentError = checkParent(task.id, changes.parent, ctx);
      if (parentError) return left(parentError);
      if (Object.keys(changes).length === 0) return right([]);
      return right([
        { type: 'TaskEdited', data: { changes, forced: force === true && task.status !== 'created' } },
      ]);
    },
    (data) => data,
  ),
  update: stays('update', (_task, { id: _id, ...changes }) =>
    right(Object.keys(changes).length === 0 ? [] : [{ type: 'TaskUpdated', data: { changes } }]),
  ),
  enqueue: (task, data) =>
    one('TaskEnqueued')(statusChange(task, 'enqueue', 'queued', data), {
      queue: data.queue ?? 'default',
      // Dequeue returns the task where it came from; a re-enqueue keeps the original origin.
      ...(task.status === 'queued'
        ? task.enqueue_status === undefined
          ? {}
          : { enqueue_status: task.enqueue_status }
        : { enqueue_status: task.status }),
    }),
  // ClearML: dequeuing a task that is not queued changes nothing and is not an error.
  dequeue: (task, data) => {
    if (task.status !== 'queued') return right([]);
    const to = data.new_status ?? (DequeueStatus.is(task.enqueue_status) ? task.enqueue_status : 'created');
    return one('TaskDequeued')(statusChange(task, 'dequeue', to, data));
  },
  started: (task, data) =>
    one('TaskStarted')(statusChange(task, 'started', 'in_progress', data), defined({ worker: data.worker })),
  stop: (task, data, ctx) => {
    const development = task.system_tags.includes(SystemTag.development);
    const request =
      task.status === 'in_progress' && !development && hasActiveWorker(task, ctx.at, ctx.workerTimeoutMs);
    if (request) {
      // The worker is alive: ask it to stop, and let it report `stopped` itself.
      return one('TaskStopRequested')(
        statusChange(task, 'stop', 'in_progress', { ...data, status_message: 'stopping' }),
      );
    }
    return one('TaskStopped')(
      statusChange(task, 'stop', 'stopped', { ...data, status_message: `Stopped by ${ctx.actor}` }),
    );
  },
  stopped: (task, data) =>
    one('TaskStopped')(statusChange(task, 'stopped', 'stopped', data), defined({ worker: data.worker })),
  failed: (task, data) =>
    one('TaskFailed')(
      statusChange(task, 'failed', 'failed', data),
      defined({ error: data.error, worker: data.worker }),
    ),
  completed: (task, data) => {
    const completedEvent = one('TaskCompleted')(
      statusChange(task, 'completed', 'completed', data),
      defined({ result: data.result, completion_details: data.completion_details, worker: data.worker }),
    );
    if (isLeft(completedEvent) || data.publish !== true) return completedEvent;
    // Completed then published in one append: nobody ever sees the task completed but unpublished.
    const publish = statusChange({ ...task, status: 'completed' }, 'publish', 'published', data);
    return isLeft(publish)
      ? publish
      : right([...completedEvent.right, { type: 'TaskPublished', data: publish.right }]);
  },
  close: (task, data) => one('TaskClosed')(statusChange(task, 'close', 'closed', data)),
  publish: (task, data) => one('TaskPublished')(statusChange(task, 'publish', 'published', data)),
  reset: (task, data, ctx) => {
    const change = statusChange(task, 'reset', 'created', {
      force: data.force,
      status_reason: 'reset',
      status_message: 'reset',
    });
    if (isLeft(change)) return change;
    const children = ctx.publishedChildren ?? [];
    if (children.length > 0 && data.force !== true) return left(hasChildren(task.id, children));
    return right([{ type: 'TaskReset', data: { ...change.right, clear_all: data.clear_all === true } }]);
  },
  delete: (task, data, ctx) => {
    const allowed = transition(task, 'delete', 'deleted', data);
    if (isLeft(allowed)) return allowed;
    const children = ctx.publishedChildren ?? [];
    if (children.length > 0 && data.force !== true) return left(hasChildren(task.id, children));
    return right([{ type: 'TaskDeleted', data: { status: task.status, ...allowed.right } }]);
  },
  archive: (task, data) => {
    const to: Status =
      task.status === 'queued'
        ? DequeueStatus.is(task.enqueue_status)
          ? task.enqueue_status
          : 'created'
        : task.status === 'in_progress'
          ? 'stopped'
          : task.status;
    return one('TaskArchived')(statusChange(task, 'archive', to, data));
  },
  ping: stays('ping', (_task, data) =>
    right([{ type: 'TaskPinged', data: defined({ worker: data.worker }) }]),
  ),
  report_metrics: stays('report_metrics', (_task, data) =>
    data.metrics.length === 0
      ? left(invalidRequest('report_metrics needs at least one metric', 'metrics'))
      : right([
          { type: 'MetricsReported', data: { metrics: data.metrics, ...defined({ worker: data.worker }) } },
        ]),
  ),
  add_artifacts: stays('add_artifacts', (_task, data) =>
    data.artifacts.length === 0
      ? left(invalidRequest('add_artifacts needs at least one artifact', 'artifacts'))
      : right([
          {
            type: 'ArtifactsAdded',
            data: { artifacts: data.artifacts, ...defined({ worker: data.worker }) },
          },
        ]),
  ),
  // Flyte's rules for worker-reported execution updates (reference/executions.md).
  report_execution: (task, data) => {
    const open = transition(task, 'report_execution', task.status, {});
    if (isLeft(open)) {
      const message = `attempt is already terminal: task ${task.id} is ${task.status}`;
      return left(new TaskledgerError('invalid_transition', message, open.left.details));
    }
    if (data.phase_version !== undefined && data.phase_version <= (task.phase_version ?? -1)) {
      return left(
        new TaskledgerError('already_exists', `phase_version ${data.phase_version} was already reported`, {
          id: task.id,
          phase_version: data.phase_version,
          stored: task.phase_version,
        }),
      );
    }
    const { id: _id, ...report } = data;
    return right([{ type: 'ExecutionReported', data: report }]);
  },
  report_progress: stays('report_progress', (_task, data) =>
    right([
      {
        type: 'ProgressReported',
        data: defined({ percentage: data.percentage, sub_step: data.sub_step, worker: data.worker }) as {
          percentage: number;
        },
      },
    ]),
  ),
};

const decideCreate = (state: TaskState, data: CommandData<'create'>, ctx: DecideContext): Decision => {
  if (data.id === undefined) return left(invalidRequest('create needs an id', 'id'));
  if (state.kind !== 'absent') return left(alreadyExists(data.id));
  const parentError = checkParent(data.id, data.parent, ctx);
  if (parentError) return left(parentError);
  return right([{ type: 'TaskCreated', data: { ...data, id: data.id } }]);
};

/**
 * Decides which events a command produces on a task, or why it is refused. Pure: the time, the
 * actor and facts about other tasks come in `ctx`. An empty list means "nothing to change".
 */
export const decide = (state: TaskState, command: Command, ctx: DecideContext): Decision => {
  if (command.type === 'create') return decideCreate(state, command.data, ctx);
  if (state.kind !== 'live') return left(notFound(command.data.id));
  const decider = deciders[command.type] as LiveDecider<typeof command.type>;
  return decider(state.task, command.data as never, ctx);
};
