import type * as MachineModule from '../../src/domain/machine';
import type * as TableModule from '../../src/domain/transitionTable';
import { targets } from '../../src/domain/transitionTable';

/** A fresh copy of the table's module, with every question it asks the machine counted. */
const freshTable = () => {
  let questions = 0;
  let table: typeof TableModule | undefined;
  jest.isolateModules(() => {
    const { taskMachine } = jest.requireActual<typeof MachineModule>('../../src/domain/machine');
    const resolveState = taskMachine.resolveState.bind(taskMachine);
    jest.spyOn(taskMachine, 'resolveState').mockImplementation((config) => {
      questions++;
      return resolveState(config);
    });
    table = jest.requireActual<typeof TableModule>('../../src/domain/transitionTable');
  });
  if (table === undefined) throw new Error('the module did not load');
  return { table, questions: () => questions };
};

describe('transition table', () => {
  it('asks the machine nothing at load time: a process start pays only for the cells it uses', () => {
    const { questions } = freshTable();
    expect(questions()).toBe(0);
  });

  it('asks the machine once per cell, on first use, and answers from the cell after that', () => {
    const { table, questions } = freshTable();
    const situation = { force: false, archived: false };

    expect(table.allowedTargets('queued', 'started', situation)).toEqual(new Set(['in_progress']));
    expect(questions()).toBe(targets.length);
    expect(table.isAllowed('queued', 'started', 'in_progress', situation)).toBe(true);
    expect(table.isAllowed('queued', 'started', 'completed', situation)).toBe(false);
    expect(questions()).toBe(targets.length);

    table.allowedTargets('queued', 'started', { force: true, archived: false });
    expect(questions()).toBe(2 * targets.length);
  });

  it('lists the commands allowed from a status once, and hands each caller its own copy', () => {
    const { table, questions } = freshTable();

    const first = table.allowedCommands('in_progress', false);
    const asked = questions();
    first.push('delete');
    const second = table.allowedCommands('in_progress', false);

    expect(questions()).toBe(asked);
    expect(second).not.toContain('delete');
    const byTable = (archived: boolean) =>
      table.machineCommands.filter(
        (command) => table.allowedTargets('in_progress', command, { force: false, archived }).size > 0,
      );
    expect(second).toEqual(byTable(false));
    // Archived is its own list (an archived task may be deleted from any status).
    expect(table.allowedCommands('in_progress', true)).toEqual(byTable(true));
    expect(byTable(true)).not.toEqual(byTable(false));
  });
});
