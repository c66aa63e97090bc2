import { isRight } from 'fp-ts/Either';
import { machineAllows, machineCommands } from '../../src/domain/transitionTable';
import { statuses, Status } from '../../src/domain/status';
import type { MachineCommand, Target } from '../../src/domain/machine';
import type { Task } from '../../src/domain/task';
import { isStatusChange, TaskEvent } from '../../src/domain/events';
import { aTask } from '../support/tasks';
import { when } from '../support/decider';

/** Data that makes each command valid, so only the status decides. */
const dataFor: Record<MachineCommand, object> = {
  edit: { comment: 'c' },
  update: { comment: 'c' },
  enqueue: {},
  dequeue: {},
  started: {},
  stop: {},
  stopped: {},
  failed: {},
  completed: {},
  close: {},
  publish: {},
  reset: {},
  delete: {},
  archive: {},
  ping: {},
  report_metrics: { metrics: [{ metric: 'm', variant: 'v', iteration: 1, value: 1 }] },
  add_artifacts: { artifacts: [{ key: 'k', mode: 'output' }] },
  report_progress: { percentage: 10 },
  report_execution: { reason: 'pulling image' },
};

/** Where the command would take a task of this status, which is what the machine is asked about. */
const intendedTarget = (task: Task, command: MachineCommand): Target => {
  switch (command) {
    case 'enqueue':
      return 'queued';
    case 'dequeue':
    case 'archive':
      return task.status === 'queued'
        ? 'created'
        : command === 'archive' && task.status === 'in_progress'
          ? 'stopped'
          : task.status;
    case 'started':
      return 'in_progress';
    case 'stop':
    case 'stopped':
      return 'stopped';
    case 'failed':
      return 'failed';
    case 'completed':
      return 'completed';
    case 'close':
      return 'closed';
    case 'publish':
      return 'published';
    case 'reset':
      return 'created';
    case 'delete':
      return 'deleted';
    default:
      return task.status;
  }
};

const targetOf = (events: TaskEvent[], task: Task): Target | undefined => {
  const first = events[0];
  if (first === undefined) return undefined;
  if (first.type === 'TaskDeleted') return 'deleted';
  return isStatusChange(first) ? first.data.to : task.status;
};

describe('for every status × command × force, decide does what the machine says', () => {
  const cells = statuses.flatMap((status: Status) =>
    machineCommands.flatMap((command) => [false, true].map((force) => [status, command, force] as const)),
  );

  it.each(cells)('%s × %s × force=%s', (status, command, force) => {
    const task = aTask(status);
    const data = { ...dataFor[command], ...(force && acceptsForce(command) ? { force: true } : {}) };
    const decision = when(task, command, data as never);
    const to = intendedTarget(task, command);
    const allowedPlain = machineAllows(status, { type: command, to, force: false, archived: false });
    const allowedForced = machineAllows(status, { type: command, to, force: true, archived: false });
    const machineSays = force && acceptsForce(command) ? allowedForced : allowedPlain;

    if (command === 'dequeue' && status !== 'queued') {
      // Dequeue of a task that is not queued: no change and no error, where the machine has no transition.
      expect(machineSays).toBe(false);
      expect(decision).toEqual({ _tag: 'Right', right: [] });
      return;
    }
    expect({ decided: isRight(decision), machineSays }).toEqual({ decided: machineSays, machineSays });
    if (isRight(decision)) {
      expect(targetOf(decision.right, task)).toBe(to);
      const first = decision.right[0] as { data: { forced?: boolean } };
      expect(first.data.forced === true).toBe(!allowedPlain);
    } else {
      expect(decision.left.code).toBe('invalid_transition');
    }
  });
});

const acceptsForce = (command: MachineCommand) =>
  [
    'edit',
    'enqueue',
    'started',
    'stop',
    'stopped',
    'failed',
    'completed',
    'close',
    'publish',
    'reset',
    'delete',
  ].includes(command);
