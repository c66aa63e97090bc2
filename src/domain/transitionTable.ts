import { taskMachine, MachineCommand, MachineEvent, Target } from './machine';
import { statuses, Status } from './status';
import { commandTypes } from './commands';

export const machineCommands = commandTypes.filter((c): c is MachineCommand => c !== 'create');
export const targets: readonly Target[] = [...statuses, 'deleted'];

/** The facts a machine question depends on besides the status. */
export type Situation = { readonly force: boolean; readonly archived: boolean };

/** Asks the machine itself, the slow way (~2 µs): what the table is derived from and tested against. */
export const machineAllows = (status: Status, event: MachineEvent): boolean =>
  taskMachine.resolveState({ value: { live: status }, context: undefined }).can(event);

/**
 * Each status × command × situation is asked of the machine the first time a decision needs it,
 * then kept, so a decision is a lookup (~0.03 µs) instead of an XState snapshot per command.
 * Asked lazily, not all at load time: the whole table is ~5,500 machine questions, 100–200 ms
 * that every process start (a CLI call, a worker) would pay for the few cells it uses. Nested
 * maps, not one map keyed by a joined string: a decision asks up to three cells, and building
 * the key cost more than the lookup.
 */
type Cells = Map<MachineCommand, (ReadonlySet<Target> | undefined)[]>;
const table = new Map<Status, Cells>();

const situationIndex = ({ force, archived }: Situation) => (force ? 2 : 0) + (archived ? 1 : 0);

/** The targets `command` may reach from `status`. */
export const allowedTargets = (status: Status, command: MachineCommand, situation: Situation) => {
  let ofStatus = table.get(status);
  if (ofStatus === undefined) table.set(status, (ofStatus = new Map()));
  let ofCommand = ofStatus.get(command);
  if (ofCommand === undefined) ofStatus.set(command, (ofCommand = []));
  const index = situationIndex(situation);
  let cell = ofCommand[index];
  if (cell === undefined) {
    cell = new Set(targets.filter((to) => machineAllows(status, { type: command, to, ...situation })));
    ofCommand[index] = cell;
  }
  return cell;
};

export const isAllowed = (status: Status, command: MachineCommand, to: Target, situation: Situation) =>
  allowedTargets(status, command, situation).has(to);

const allowedByStatus = new Map<string, readonly MachineCommand[]>();

/**
 * The commands allowed from `status` without force: what an `invalid_transition` error lists.
 * Kept once asked, like the cells: a refused command would otherwise ask every command's cell.
 */
export const allowedCommands = (status: Status, archived: boolean): MachineCommand[] => {
  const k = archived ? `${status}/archived` : status;
  let allowed = allowedByStatus.get(k);
  if (allowed === undefined) {
    allowed = machineCommands.filter(
      (command) => allowedTargets(status, command, { force: false, archived }).size > 0,
    );
    allowedByStatus.set(k, allowed);
  }
  return [...allowed];
};
