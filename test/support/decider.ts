import { isLeft, isRight, Either } from 'fp-ts/Either';
import { decide, DecideContext } from '../../src/domain/decide';
import { evolve } from '../../src/domain/evolve';
import type { Command, CommandData, CommandType } from '../../src/domain/commands';
import type { TaskEvent } from '../../src/domain/events';
import type { Task } from '../../src/domain/task';
import type { TaskState } from '../../src/domain/taskState';
import type { TaskledgerError } from '../../src/domain/errors';

export const T1 = '2026-01-01T01:00:00.000Z';

export const context = (overrides: Partial<DecideContext> = {}): DecideContext => ({
  at: T1,
  actor: 'bob',
  workerTimeoutMs: 600_000,
  ...overrides,
});

type Given = Task | TaskState;
const stateOf = (given: Given): TaskState => ('kind' in given ? given : { kind: 'live', task: given });

/** Given a task, when a command is decided, then these events (or this error). */
export const when = <K extends CommandType>(
  given: Given,
  type: K,
  data: Omit<CommandData<K>, 'id'> & { id?: string },
  ctx: Partial<DecideContext> = {},
): Either<TaskledgerError, TaskEvent[]> => {
  const state = stateOf(given);
  const id = 'task' in state ? state.task.id : 't1';
  return decide(state, { type, data: { id, ...data } } as Command, context(ctx));
};

export const eventsOf = (decision: Either<TaskledgerError, TaskEvent[]>): TaskEvent[] => {
  if (isLeft(decision))
    throw new Error(`expected events, got ${decision.left.code}: ${decision.left.message}`);
  return decision.right;
};

export const errorOf = (decision: Either<TaskledgerError, TaskEvent[]>): TaskledgerError => {
  if (isRight(decision)) throw new Error(`expected an error, got ${JSON.stringify(decision.right)}`);
  return decision.left;
};

/** Decides and folds: the task after the command, as `get` would show it. */
export const after = <K extends CommandType>(
  given: Given,
  type: K,
  data: Omit<CommandData<K>, 'id'> & { id?: string },
  ctx: Partial<DecideContext> = {},
): Task => {
  const c = context(ctx);
  let state = stateOf(given);
  for (const event of eventsOf(when(given, type, data, ctx))) {
    state = evolve(state, {
      ...event,
      metadata: { commandId: 'c', actor: c.actor, at: c.at, schemaVersion: 1 },
    } as never);
  }
  if (state.kind !== 'live') throw new Error(`task is ${state.kind}`);
  return state.task;
};
