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

const situations: readonly Situation[] = [
  { force: false, archived: false },
  { force: false, archived: true },
  { force: true, archived: false },
  { force: true, archived: true },
];

/**
 * Every status × command × situation, asked of the machine once at load time, so a decision is a
 * map lookup (~0.03 µs) instead of an XState snapshot per command.
 */
const table: ReadonlyMap<string, ReadonlySet<Target>> = (() => {
  const cells = new Map<string, ReadonlySet<Target>>();
  for (const status of statuses)
    for (const command of machineCommands)
      for (const situation of situations) {
        const allowed = targets.filter((to) => machineAllows(status, { type: command, to, ...situation }));
        cells.set(key(status, command, situation), new Set(allowed));
      }
  return cells;
})();

const none: ReadonlySet<Target> = new Set();

/** The targets `command` may reach from `status`. */
export const allowedTargets = (status: Status, command: MachineCommand, situation: Situation) =>
  table.get(key(status, command, situation)) ?? none;

export const isAllowed = (status: Status, command: MachineCommand, to: Target, situation: Situation) =>
  allowedTargets(status, command, situation).has(to);

/** The commands allowed from `status` without force: what an `invalid_transition` error lists. */
export const allowedCommands = (status: Status, archived: boolean): MachineCommand[] =>
  machineCommands.filter((command) => allowedTargets(status, command, { force: false, archived }).size > 0);
