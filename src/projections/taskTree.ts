import type { Status } from '../domain/status';
import { statusChangeEventTypes } from '../domain/events';
import { nextProgress } from '../domain/progress';
import { projection } from './projection';

/**
 * One task's place in the tree (Nutanix's parent_task / root_task / sub_tasks). Only the
 * parent link is stored: root, depth, ancestors, descendants and roll-ups are walked at query
 * time, so moving a task moves its whole subtree at once. A deleted task stays as a node
 * marked deleted, so its children still show where they hung.
 */
export type TreeNode = {
  readonly id: string;
  readonly name: string;
  readonly parent?: string;
  readonly project?: string;
  readonly status: Status;
  readonly progress_percentage: number;
  readonly deleted: boolean;
};

export const taskTree = projection<TreeNode>({
  name: 'task_tree',
  version: 1,
  handles: new Set([
    'TaskCreated',
    'TaskEdited',
    'TaskUpdated',
    'TaskDeleted',
    'ProgressReported',
    ...statusChangeEventTypes,
  ]),
  evolve: (node, event) => {
    if (event.type === 'TaskCreated') {
      const { id, name, parent, project } = event.data;
      return {
        id,
        name,
        status: 'created',
        progress_percentage: 0,
        deleted: false,
        ...(parent === undefined ? {} : { parent }),
        ...(project === undefined ? {} : { project }),
      };
    }
    if (node === undefined) return undefined;
    switch (event.type) {
      case 'TaskEdited':
      case 'TaskUpdated': {
        const { name, project } = event.data.changes;
        const parent = 'parent' in event.data.changes ? event.data.changes.parent : node.parent;
        return {
          ...node,
          ...(name === undefined ? {} : { name }),
          ...(project === undefined ? {} : { project }),
          ...(parent === undefined ? {} : { parent }),
        };
      }
      case 'TaskDeleted':
        return { ...node, deleted: true };
      case 'ProgressReported':
        return {
          ...node,
          progress_percentage: nextProgress(node.status, node.progress_percentage, event.data.percentage),
        };
      case 'TaskCompleted':
        return { ...node, status: event.data.to, progress_percentage: 100 };
      case 'TaskReset':
        return { ...node, status: event.data.to, progress_percentage: 0 };
      default:
        return 'to' in event.data ? { ...node, status: event.data.to } : node;
    }
  },
  columns: {
    parent: { type: 'text', indexed: true, of: (n) => n.parent ?? '' },
  },
});
