import { taskMachine, MachineCommand, MachineEvent, Target } from './machine';
import { statuses, Status } from './status';
import { commandTypes } from './commands';

export const machineCommands = commandTypes.filter((c): c is MachineCommand => c !== 'create');
export const targets: readonly Target[] = [...statuses, 'deleted'];

/** The facts a machine question depends on besides the status. */
export type Situation = { readonly force: boolean; readonly archived: boolean };

const key = (status: Status, command: MachineCommand, s: Situation) =>
  `${status}/${command}/${s.force ? 'f' : '-'}/${s.archived ? 'a' : '-'}`;

/** Asks the machine itself, the slow way (~2 µs): what the table is derived from and tested against. */
export const machineAllows = (status: Status, event: MachineEvent): boolean =>
  taskMachine.resolveState({ value: { live: status }, context: undefined }).can(event);

/**
 * Each status × command × situation is asked of the machine the first time a decision needs it,
 * then kept, so a decision is a map lookup (~0.03 µs) instead of an XState snapshot per command.
 * Asked lazily, not all at load time: the whole table is ~5,500 machine questions, 100–200 ms
 * that every process start (a CLI call, a worker) would pay for the few cells it uses.
 */
const table = new Map<string, ReadonlySet<Target>>();

const cellOf = (status: Status, command: MachineCommand, situation: Situation): ReadonlySet<Target> => {
  const k = key(status, command, situation);
  let cell = table.get(k);
  if (cell === undefined) {
    cell = new Set(targets.filter((to) => machineAllows(status, { type: command, to, ...situation })));
    table.set(k, cell);
  }
  return cell;
};

/** The targets `command` may reach from `status`. */
export const allowedTargets = (status: Status, command: MachineCommand, situation: Situation) =>
  cellOf(status, command, situation);

export const isAllowed = (status: Status, command: MachineCommand, to: Target, situation: Situation) =>
  allowedTargets(status, command, situation).has(to);

/** The commands allowed from `status` without force: what an `invalid_transition` error lists. */
export const allowedCommands = (status: Status, archived: boolean): MachineCommand[] =>
  machineCommands.filter((command) => allowedTargets(status, command, { force: false, archived }).size > 0);
