import { taskMachine } from './machine';
import { statuses } from './status';

/** Commands that keep the status by nature; drawing their self-loops would hide the lifecycle. */
const housekeeping = new Set([
  'edit',
  'update',
  'ping',
  'archive',
  'report_metrics',
  'add_artifacts',
  'report_progress',
  'report_execution',
]);

type Guard = { type?: unknown } | undefined;
const isPlainRule = (guard: unknown) => typeof guard === 'object' && (guard as Guard)?.type === 'targetIs';

/**
 * The machine as a Mermaid state diagram, generated from the machine itself so the picture can
 * never drift from the rules. Transitions only allowed with force are left out (force allows any).
 */
export const toMermaid = (): string => {
  const live = taskMachine.root.states['live'];
  const edges = new Map<string, string[]>();
  for (const status of statuses) {
    const node = live?.states[status];
    if (node === undefined) continue;
    for (const [command, definitions] of node.transitions) {
      for (const definition of definitions) {
        if (!isPlainRule(definition.guard)) continue;
        for (const target of definition.target ?? []) {
          if (target.key === status && housekeeping.has(command)) continue;
          const edge = `${status} --> ${target.key === 'deleted' ? 'deleted' : target.key}`;
          edges.set(edge, [...(edges.get(edge) ?? []), command]);
        }
      }
    }
  }
  const lines = [
    'stateDiagram-v2',
    '    [*] --> created : create',
    ...[...edges].map(([edge, commands]) => `    ${edge} : ${[...new Set(commands)].join(', ')}`),
    '    deleted --> [*]',
    '    note right of deleted : delete also from any status once the task has the archived system tag',
    "    note right of published : terminal; with force any status moves to a command's target",
  ];
  return lines.join('\n');
};
