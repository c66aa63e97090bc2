import { allowedTargets, machineAllows, machineCommands, targets } from '../../src/domain/transitionTable';
import { statuses, Status } from '../../src/domain/status';
import type { MachineCommand, Target } from '../../src/domain/machine';

/**
 * The commands table of reference/status-rules.md, written out by hand: the machine must say
 * exactly this, cell by cell. (Not derived from the machine, so a wrong machine fails here.)
 */
const all: Status[] = [...statuses];
const rules: Record<MachineCommand, { from: Status[]; to: 'same' | Target | Target[] }> = {
  edit: { from: ['created'], to: 'same' },
  update: { from: all, to: 'same' },
  enqueue: { from: ['created', 'stopped', 'failed', 'queued'], to: 'queued' },
  dequeue: { from: ['queued'], to: ['created', 'stopped', 'failed'] },
  started: { from: ['created', 'queued', 'stopped', 'completed', 'in_progress'], to: 'in_progress' },
  stop: { from: ['queued', 'in_progress', 'stopped', 'failed', 'closed'], to: 'stopped' },
  stopped: { from: ['queued', 'in_progress', 'stopped', 'failed', 'closed'], to: 'stopped' },
  failed: { from: ['in_progress', 'stopped', 'closed', 'failed'], to: 'failed' },
  completed: { from: ['in_progress', 'stopped', 'completed'], to: 'completed' },
  close: { from: ['stopped', 'closed'], to: 'closed' },
  publish: { from: ['stopped', 'failed', 'completed', 'closed'], to: 'published' },
  reset: { from: all.filter((s) => s !== 'published'), to: 'created' },
  delete: { from: ['created'], to: 'deleted' },
  archive: { from: all, to: 'same' },
  ping: { from: all, to: 'same' },
  report_metrics: { from: all.filter((s) => s !== 'published'), to: 'same' },
  add_artifacts: { from: ['created', 'queued', 'in_progress'], to: 'same' },
  report_progress: { from: ['queued', 'in_progress'], to: 'same' },
  // Not in ClearML: Flyte-style execution reports from the worker, while an attempt is open.
  report_execution: { from: ['queued', 'in_progress'], to: 'same' },
};

/** Where the task goes besides the rule's target: stop requests, and archive/dequeue returning a queued task. */
const extraTargets = (status: Status, command: MachineCommand): Target[] => {
  if (command === 'stop' && status === 'in_progress') return ['in_progress'];
  if (command === 'archive' && status === 'queued') return ['created', 'stopped', 'failed'];
  if (command === 'archive' && status === 'in_progress') return ['stopped'];
  return [];
};

const expectedTargets = (status: Status, command: MachineCommand): Target[] => {
  const rule = rules[command];
  if (!rule.from.includes(status)) return [];
  if (command === 'archive' && (status === 'queued' || status === 'in_progress'))
    return extraTargets(status, command).sort();
  const base: Target[] = rule.to === 'same' ? [status] : Array.isArray(rule.to) ? rule.to : [rule.to];
  return [...new Set([...base, ...extraTargets(status, command)])].sort();
};

describe('the status machine follows reference/status-rules.md', () => {
  it('covers every command but create', () => {
    expect([...machineCommands].sort()).toEqual(Object.keys(rules).sort());
  });

  describe.each(all)('from %s, without force', (status) => {
    it.each(machineCommands)('%s reaches exactly the targets of the rules', (command) => {
      const allowed = [...allowedTargets(status, command, { force: false, archived: false })].sort();
      expect(allowed).toEqual(expectedTargets(status, command));
    });
  });

  it('the transition table: the statuses each status may move to through status commands', () => {
    const table: Record<Status, Status[]> = {
      created: ['queued', 'in_progress'],
      queued: ['created', 'in_progress', 'stopped'],
      in_progress: ['stopped', 'failed', 'created', 'completed'],
      stopped: ['closed', 'created', 'failed', 'queued', 'in_progress', 'published', 'completed'],
      closed: ['created', 'failed', 'published', 'stopped'],
      failed: ['created', 'stopped', 'published', 'queued'],
      completed: ['published', 'in_progress', 'created'],
      published: [],
    };
    // dequeue and archive send a queued task back where it came from (enqueue_status), as ClearML does.
    const statusCommands = machineCommands.filter(
      (c) => c !== 'dequeue' && c !== 'archive' && c !== 'delete',
    );
    for (const status of all) {
      const reached = new Set<Target>();
      for (const command of statusCommands)
        for (const to of allowedTargets(status, command, { force: false, archived: false }))
          if (to !== status) reached.add(to);
      expect({ status, to: [...reached].sort() }).toEqual({ status, to: [...table[status]].sort() });
    }
  });

  it('a change to the same status is allowed, except publish', () => {
    expect(allowedTargets('published', 'publish', { force: false, archived: false }).size).toBe(0);
    expect(allowedTargets('stopped', 'stopped', { force: false, archived: false }).has('stopped')).toBe(true);
    expect(allowedTargets('completed', 'completed', { force: false, archived: false }).has('completed')).toBe(
      true,
    );
    expect(allowedTargets('queued', 'enqueue', { force: false, archived: false }).has('queued')).toBe(true);
  });

  describe('force skips the table', () => {
    const forcedTarget: Partial<Record<MachineCommand, Target>> = {
      enqueue: 'queued',
      started: 'in_progress',
      stop: 'stopped',
      stopped: 'stopped',
      failed: 'failed',
      completed: 'completed',
      close: 'closed',
      publish: 'published',
      reset: 'created',
      delete: 'deleted',
    };
    it.each(all)('from %s every status command reaches its target', (status) => {
      for (const [command, to] of Object.entries(forcedTarget) as [MachineCommand, Target][]) {
        expect({
          command,
          allowed: allowedTargets(status, command, { force: true, archived: false }).has(to),
        }).toEqual({
          command,
          allowed: true,
        });
      }
    });
    it('edit with force is allowed in any status', () => {
      for (const status of all)
        expect(allowedTargets(status, 'edit', { force: true, archived: false }).has(status)).toBe(true);
    });
    it('force does not open the commands that take no force', () => {
      expect(allowedTargets('published', 'report_metrics', { force: true, archived: false }).size).toBe(0);
      expect(allowedTargets('created', 'report_progress', { force: true, archived: false }).size).toBe(0);
    });
  });

  it('an archived task may be deleted from any status', () => {
    for (const status of all) {
      expect(allowedTargets(status, 'delete', { force: false, archived: true }).has('deleted')).toBe(true);
      expect(allowedTargets(status, 'delete', { force: false, archived: false }).has('deleted')).toBe(
        status === 'created',
      );
    }
  });

  it('the derived table equals the machine in every cell', () => {
    let cells = 0;
    for (const status of all)
      for (const command of machineCommands)
        for (const force of [false, true])
          for (const archived of [false, true])
            for (const to of targets) {
              cells++;
              const fromTable = allowedTargets(status, command, { force, archived }).has(to);
              expect(fromTable).toBe(machineAllows(status, { type: command, to, force, archived }));
            }
    expect(cells).toBe(8 * 19 * 2 * 2 * 9);
  });
});
