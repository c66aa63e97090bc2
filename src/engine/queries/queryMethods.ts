import type { ReadModelStore } from '../../ports/readModelStore';
import type { Task } from '../../domain/task';
import type { AnyProjection } from '../../projections/projection';
import { projectionNamed, projections as allProjections } from '../../projections/registry';
import { getProjectionRunner, Progress } from '../../projections/projectionRunner';
import type { EventStore } from '../../ports/eventStore';
import { invalidRequest } from '../../domain/errors';
import { getReadModelQueries, TaskList } from './readModelQueries';
import { getTreeQueries, TaskReference, TaskTreeView } from './treeQueries';
import type { Execution } from '../../projections/executions';
import type { TaskLastMetrics } from '../../projections/lastMetrics';

/** Queries may wait for the read models to reach a position (a command's, for instance). */
export type QueryOptions = { readonly atLeast?: bigint };

export type QueryMethods = {
  /** The task document; `not_found` when it does not exist or was deleted. */
  get(id: string, options?: QueryOptions): Promise<Task>;
  /** ClearML get_all filters with Kubeflow paging: `{ tasks, next_page_token, total_size }`. */
  list(request?: unknown, options?: QueryOptions): Promise<TaskList>;
  /** Flyte-style executions, one per attempt, newest first. */
  executions(taskId: string, options?: QueryOptions): Promise<Execution[]>;
  execution(taskId: string, attempt: number, options?: QueryOptions): Promise<Execution>;
  lastMetrics(taskId: string, options?: QueryOptions): Promise<TaskLastMetrics>;
  tree(id: string, options?: QueryOptions): Promise<TaskTreeView>;
  children(id: string, options?: QueryOptions): Promise<TaskReference[]>;
  ancestors(id: string, options?: QueryOptions): Promise<TaskReference[]>;
  /** Drops and refolds read models (all, or those named), reporting progress. */
  rebuild(names?: readonly string[], onProgress?: (p: Progress) => void): Promise<{ events: number }>;
};

export type ReadModelSettings = {
  readonly readModels: ReadModelStore;
  /** inline: rows move inside each append (read-your-writes); async: they follow a subscription. */
  readonly mode: 'inline' | 'async';
  /**
   * Inline mode: the inline writers leave the checkpoints alone (PostgreSQL), so the engine
   * moves them up to the head now and then, after its own appends. Without it each engine start
   * would re-read every event appended since the previous one.
   */
  readonly advanceCheckpoints?: boolean;
};

/**
 * The read side: the projection runner (prepared before the first query or command) and the
 * queries. In async mode a query first waits until the read models have seen this engine's own
 * last command, so a caller always reads its own writes.
 */
export const getQueryMethods = (
  store: EventStore,
  settings: ReadModelSettings,
  lastOwnPosition: () => bigint,
) => {
  const { readModels, mode } = settings;
  const runner = getProjectionRunner({
    store,
    readModels,
    inline: mode === 'inline',
    advanceCheckpoints: mode === 'inline' && settings.advanceCheckpoints === true,
  });
  const following = new AbortController();
  // Prepared on first use, not at construction: an engine opened only to verify or export a
  // damaged log must not fail before it starts.
  let preparing: Promise<void> | undefined;
  const ready = () =>
    (preparing ??= runner.prepare().then(() => {
      if (mode === 'async') void runner.follow(following.signal).catch(() => undefined);
    }));
  const reads = getReadModelQueries(readModels);
  const tree = getTreeQueries(readModels);

  const caughtUp = async (options?: QueryOptions) => {
    await ready();
    if (mode === 'inline') return;
    const own = lastOwnPosition();
    const wanted = options?.atLeast !== undefined && options.atLeast > own ? options.atLeast : own;
    if (wanted > 0n) await runner.waitFor(wanted);
  };
  /** Waits as `caughtUp` says, then runs the query. */
  const read = <R>(options: QueryOptions | undefined, query: () => Promise<R>) =>
    caughtUp(options).then(query);

  const methods: QueryMethods = {
    get: (id, options) => read(options, () => reads.get(id)),
    list: (request, options) => read(options, () => reads.list(request)),
    executions: (taskId, options) => read(options, () => reads.executions(taskId)),
    execution: (taskId, attempt, options) => read(options, () => reads.execution(taskId, attempt)),
    lastMetrics: (taskId, options) => read(options, () => reads.lastMetrics(taskId)),
    tree: (id, options) => read(options, () => tree.tree(id)),
    children: (id, options) => read(options, () => tree.children(id)),
    ancestors: (id, options) => read(options, () => tree.ancestors(id)),
    rebuild: async (names, onProgress) => {
      await ready();
      const targets: AnyProjection[] = (names ?? allProjections.map((p) => p.name)).map((name) => {
        const found = projectionNamed(name);
        if (found === undefined) {
          throw invalidRequest(`no projection named ${name}`, 'projection', {
            known: allProjections.map((p) => p.name),
          });
        }
        return found;
      });
      return runner.rebuild(targets, onProgress);
    },
  };

  return {
    methods,
    ready,
    publishedChildren: async (id: string) => {
      await caughtUp();
      return tree.publishedChildren(id);
    },
    /** This engine appended (a command's events). */
    appended: () => runner.advance(),
    close: async () => {
      following.abort();
      await preparing?.catch(() => undefined);
      await runner.advanced();
      await readModels.close();
    },
  };
};
