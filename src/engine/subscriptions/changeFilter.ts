import type { TaskEventEnvelope } from '../../domain/events';
import type { StatusMove } from '../../domain/statusMove';
import type { TaskState } from '../../domain/taskState';
import type { ChangeFilter } from './subscribeOptions';

/** How the filter learns a task's project and parent: the engine's cached task folds. */
export type TaskLookup = (id: string) => Promise<TaskState>;

const MAX_DEPTH = 1_000;

const taskOf = (state: TaskState) => (state.kind === 'absent' ? undefined : state.task);

/** Is `id` the root or one of its descendants? Walks parents, guarding against cycles. */
const inTree = async (lookup: TaskLookup, id: string, root: string): Promise<boolean> => {
  const seen = new Set<string>();
  let next: string | undefined = id;
  while (next !== undefined && seen.size < MAX_DEPTH && !seen.has(next)) {
    if (next === root) return true;
    seen.add(next);
    next = taskOf(await lookup(next))?.parent;
  }
  return false;
};

/**
 * Builds the test one event must pass. Status and type parts are judged from the event alone;
 * projects and trees look the task up, as it is now (a task moved to another project since is
 * matched by its current one). Without a status part, events that move no status pass.
 */
export const getChangeMatcher = (filter: ChangeFilter | undefined, lookup: TaskLookup) => {
  if (filter === undefined) return async () => true;
  const { from, to, types, projects, taskTree } = filter;
  return async (taskId: string, event: TaskEventEnvelope, move: StatusMove | undefined): Promise<boolean> => {
    if (types !== undefined && !types.includes(event.type)) return false;
    if (from !== undefined && (move === undefined || !from.includes(move.from))) return false;
    if (to !== undefined && (move === undefined || !to.includes(move.to))) return false;
    if (projects !== undefined) {
      const project = taskOf(await lookup(taskId))?.project;
      if (project === undefined || !projects.includes(project)) return false;
    }
    if (taskTree !== undefined && !(await inTree(lookup, taskId, taskTree))) return false;
    return true;
  };
};
