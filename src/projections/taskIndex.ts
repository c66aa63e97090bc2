import type { Task } from '../domain/task';
import { evolve, evolveOwned } from '../domain/evolve';
import { taskEventTypes } from '../domain/events';
import { projection } from './projection';

/** Tags as `|a|b|`, so "has tag a" is `LIKE '%|a|%'` in any SQL dialect. */
export const tagColumn = (tags: readonly string[]) => (tags.length === 0 ? '' : `|${tags.join('|')}|`);

/**
 * The task document `get` and `list` serve: the same fold `decide` uses, kept per task.
 * A deleted task leaves the index.
 */
export const taskIndex = projection<Task>({
  name: 'task_index',
  version: 1,
  handles: new Set(taskEventTypes),
  evolve: (doc, event) => {
    const next = evolve(doc === undefined ? { kind: 'absent' } : { kind: 'live', task: doc }, event);
    return next.kind === 'live' ? next.task : undefined;
  },
  evolveOwned: (doc, event) => {
    const next = evolveOwned({ kind: 'live', task: doc }, event);
    return next.kind === 'live' ? next.task : undefined;
  },
  // The fields `list` filters and sorts by. Absent values sort first as '' or -1.
  columns: {
    name: { type: 'text', of: (t) => t.name },
    // Workers list the oldest queued tasks of their queues: that query reads this index in order.
    status: { type: 'text', indexed: ['queue', 'status_changed'], of: (t) => t.status },
    type: { type: 'text', of: (t) => t.type },
    project: { type: 'text', indexed: true, of: (t) => t.project ?? '' },
    parent: { type: 'text', indexed: true, of: (t) => t.parent ?? '' },
    user: { type: 'text', of: (t) => t.user },
    queue: { type: 'text', indexed: true, of: (t) => t.queue ?? '' },
    tags: { type: 'text', of: (t) => tagColumn(t.tags) },
    system_tags: { type: 'text', of: (t) => tagColumn(t.system_tags) },
    created: { type: 'text', indexed: true, of: (t) => t.created },
    started: { type: 'text', of: (t) => t.started ?? '' },
    completed: { type: 'text', of: (t) => t.completed ?? '' },
    status_changed: { type: 'text', of: (t) => t.status_changed },
    last_update: { type: 'text', of: (t) => t.last_update },
    last_iteration: { type: 'number', of: (t) => t.last_iteration ?? -1 },
    progress_percentage: { type: 'number', of: (t) => t.progress_percentage },
  },
});
