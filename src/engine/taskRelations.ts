import type { EventStore } from '../ports/eventStore';
import { TASK_STREAM_PREFIX } from '../domain/task';
import type { TaskStreams } from './taskStreams';
import { decodeRecorded } from './taskStreams';

/** What decisions need to know about other tasks in the tree. */
export type TaskRelations = {
  /** Does `parent` exist (and is not deleted), and who are its ancestors (to refuse a cycle)? */
  parentFacts(parent: string): Promise<{ exists: boolean; ancestors: string[] }>;
  /** The children of `id` that are published: they block reset and delete without force. */
  publishedChildren(id: string): Promise<string[]>;
};

const MAX_DEPTH = 1_000;

/**
 * Relations read from the streams themselves. Finding children scans the creation and edit
 * events of the whole log, so engines with read models answer from the task tree instead.
 */
export const getStreamTaskRelations = (store: EventStore, streams: TaskStreams): TaskRelations => ({
  parentFacts: async (parent) => {
    const loaded = await streams.load(parent);
    if (loaded.state.kind !== 'live') return { exists: false, ancestors: [] };
    const ancestors: string[] = [];
    let next = loaded.state.task.parent;
    while (next !== undefined && ancestors.length < MAX_DEPTH && !ancestors.includes(next)) {
      ancestors.push(next);
      const up = await streams.load(next);
      next = up.state.kind === 'absent' ? undefined : up.state.task.parent;
    }
    return { exists: true, ancestors };
  },
  publishedChildren: async (id) => {
    const parentOf = new Map<string, string | undefined>();
    const filter = { eventTypes: ['TaskCreated', 'TaskEdited'], streamPrefixes: [TASK_STREAM_PREFIX] };
    for await (const recorded of store.readAll({ filter })) {
      const event = decodeRecorded(recorded);
      const child = recorded.streamName.slice(TASK_STREAM_PREFIX.length);
      if (event.type === 'TaskCreated') parentOf.set(child, event.data.parent);
      if (event.type === 'TaskEdited' && 'parent' in event.data.changes)
        parentOf.set(child, event.data.changes.parent);
    }
    const children = [...parentOf].filter(([, parent]) => parent === id).map(([child]) => child);
    const published: string[] = [];
    for (const child of children) {
      const loaded = await streams.load(child);
      if (loaded.state.kind === 'live' && loaded.state.task.status === 'published') published.push(child);
    }
    return published;
  },
});
