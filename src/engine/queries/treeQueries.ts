import type { ReadModelStore } from '../../ports/readModelStore';
import type { Status } from '../../domain/status';
import { notFound } from '../../domain/errors';
import { taskTree, TreeNode } from '../../projections/taskTree';

/** Nutanix's sub_tasks is a preview: the full list comes from `children`. */
export const SUB_TASKS_PREVIEW = 100;
const MAX_DEPTH = 1_000;

export type TaskReference = {
  readonly id: string;
  readonly name: string;
  readonly status: Status;
  readonly deleted: boolean;
};

export type TaskTreeView = TaskReference & {
  readonly parent_task?: TaskReference;
  readonly root_task: TaskReference;
  readonly depth: number;
  readonly ancestors: readonly TaskReference[];
  readonly sub_tasks: readonly TaskReference[];
  readonly number_of_subtasks: number;
  readonly descendants: number;
  /** Statuses over all descendants (deleted ones excluded). */
  readonly status_counts: Readonly<Partial<Record<Status, number>>>;
  /** The mean progress of the direct children (the task's own when it has none). */
  readonly progress_percentage: number;
};

const reference = (node: TreeNode): TaskReference => ({
  id: node.id,
  name: node.name,
  status: node.status,
  deleted: node.deleted,
});

/**
 * The task tree, walked at query time from the parent links the projection keeps: a moved task
 * takes its subtree along, a deleted parent still shows (marked deleted).
 */
export const getTreeQueries = (readModels: ReadModelStore) => {
  const node = (id: string) => readModels.get<TreeNode>(taskTree.name, id);

  const requireNode = async (id: string) => {
    const found = await node(id);
    if (found === undefined) throw notFound(id);
    return found;
  };

  /** Every child, in id order, read page by page. */
  const childNodes = async (id: string): Promise<TreeNode[]> => {
    const children: TreeNode[] = [];
    let from: { value: string; key: string } | undefined;
    for (;;) {
      const page = await readModels.query<TreeNode>(taskTree.name, {
        where: [{ column: 'parent', op: 'eq', value: id }],
        sort: { column: 'key', direction: 'asc' },
        limit: 1_001,
        count: false,
        ...(from === undefined ? {} : { from }),
      });
      children.push(...page.rows.slice(0, 1_000).map((r) => r.doc));
      const next = page.rows[1_000];
      if (next === undefined) return children;
      from = { value: next.key, key: next.key };
    }
  };

  /** Parent first, root last; stops at a missing link or a cycle. */
  const ancestorNodes = async (start: TreeNode): Promise<TreeNode[]> => {
    const chain: TreeNode[] = [];
    const seen = new Set([start.id]);
    let next = start.parent;
    while (next !== undefined && !seen.has(next) && chain.length < MAX_DEPTH) {
      const parent = await node(next);
      if (parent === undefined) break;
      chain.push(parent);
      seen.add(parent.id);
      next = parent.parent;
    }
    return chain;
  };

  const children = async (id: string): Promise<TaskReference[]> => {
    await requireNode(id);
    return (await childNodes(id)).map(reference);
  };

  const ancestors = async (id: string): Promise<TaskReference[]> =>
    (await ancestorNodes(await requireNode(id))).map(reference);

  const tree = async (id: string): Promise<TaskTreeView> => {
    const self = await requireNode(id);
    const chain = await ancestorNodes(self);
    const direct = await childNodes(id);
    const counts: Partial<Record<Status, number>> = {};
    let descendants = 0;
    const queue = [...direct];
    const seen = new Set([id]);
    while (queue.length > 0) {
      const next = queue.shift() as TreeNode;
      if (seen.has(next.id)) continue;
      seen.add(next.id);
      if (!next.deleted) {
        descendants++;
        counts[next.status] = (counts[next.status] ?? 0) + 1;
      }
      queue.push(...(await childNodes(next.id)));
    }
    const live = direct.filter((c) => !c.deleted);
    const root = chain[chain.length - 1] ?? self;
    return {
      ...reference(self),
      ...(chain[0] === undefined ? {} : { parent_task: reference(chain[0]) }),
      root_task: reference(root),
      depth: chain.length,
      ancestors: chain.map(reference),
      sub_tasks: live.slice(0, SUB_TASKS_PREVIEW).map(reference),
      number_of_subtasks: live.length,
      descendants,
      status_counts: counts,
      progress_percentage:
        live.length === 0
          ? self.progress_percentage
          : live.reduce((sum, c) => sum + c.progress_percentage, 0) / live.length,
    };
  };

  /** Published children block reset and delete (has_children). */
  const publishedChildren = async (id: string) =>
    (await childNodes(id)).filter((c) => !c.deleted && c.status === 'published').map((c) => c.id);

  return { tree, children, ancestors, publishedChildren, node };
};
