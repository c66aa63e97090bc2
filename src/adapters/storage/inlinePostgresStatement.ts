import { decodeStoredEvent } from '../../domain/events';
import type { Row, TableWrite } from '../../ports/readModelStore';
import { foldBatch, isTaskStream, taskIdOf } from '../../projections/foldBatch';
import type { AnyProjection, ProjectedEvent } from '../../projections/projection';
import { projections as allProjections, tableOf } from '../../projections/registry';
import { taskIndex } from '../../projections/taskIndex';
import { foldsInline } from '../../projections/checkpointVersions';
import type { PostgresInlineSql } from '../readModels/postgresInlineSql';
import type {
  InlineStatementPlan,
  PostgresInlineStatement,
  UnpositionedEvent,
} from '../store/postgres/postgresAppendStatement';

/** A task's rows in every current projection, as of one revision of its stream. */
type TaskRows = { readonly revision: bigint; readonly rows: ReadonlyMap<string, Row<unknown>> };

const toPlannedEvent = (event: UnpositionedEvent): ProjectedEvent => ({
  // The position only names a corrupt event in the error; the real one comes with the insert.
  ...decodeStoredEvent({ ...event, position: 0n }),
  taskId: taskIdOf(event.streamName),
  revision: event.revision,
  // Read models fold a task's own events and read no position. One that did would throw here,
  // and its flush would take the path that inserts before it folds.
  get position(): bigint {
    throw new Error('inline projections: a position is not known before the insert');
  },
});

const sameProjections = (a: readonly AnyProjection[], b: readonly AnyProjection[]) =>
  a.length === b.length && a.every((p) => b.includes(p));

/**
 * Inline read models on PostgreSQL in the append's own statement. The rows a task's last append
 * left are kept here, by the stream revision they are at: the next append that expects that
 * revision folds its events into them in memory, and the statement that inserts the events
 * upserts the folds. The statement checks the revision, so rows kept for a stream another writer
 * moved are never used; it also checks the checkpoints (`guard`), so a rebuild that starts or ends
 * makes it fail and the flush take the reading path (projectInline) instead. Flushes run one at
 * a time (group commit), so plans and their `settled` never interleave.
 */
export const getInlinePostgresStatement = (
  sql: PostgresInlineSql,
  projections: readonly AnyProjection[] = allProjections,
  capacity = 4_096,
): PostgresInlineStatement => {
  const cache = new Map<string, TaskRows>();
  // The projections whose checkpoint is at their code version, as last read; `confirmed` until
  // a statement fails, after which they are read again with the next rows.
  let current: readonly AnyProjection[] | undefined;
  let confirmed = false;

  const remember = (taskId: string, entry: TaskRows) => {
    cache.delete(taskId);
    cache.set(taskId, entry);
    if (cache.size > capacity) cache.delete(cache.keys().next().value as string);
  };

  /**
   * The projections to write, reading first what is not at hand; undefined when a task's rows
   * are not at the revision its append expects.
   */
  const fill = async (before: ReadonlyMap<string, bigint>): Promise<readonly AnyProjection[] | undefined> => {
    const missing = [...before]
      .filter(([taskId, revision]) => revision >= 0n && cache.get(taskId)?.revision !== revision)
      .map(([taskId]) => taskId);
    if (confirmed && current !== undefined && missing.length === 0) return current;
    const snapshot = await sql.read(
      projections.map((p) => p.name),
      missing,
    );
    const found = projections.filter((p) => foldsInline(snapshot.versions.get(p.name), p.version));
    // Rows kept while other projections were current lack the newly current ones' rows.
    if (current === undefined || !sameProjections(current, found)) cache.clear();
    current = found;
    confirmed = true;
    // The task index folds every event: its row tells which revision a task's rows are at.
    if (!found.some((p) => p.name === taskIndex.name)) return undefined;
    for (const taskId of missing) {
      const revision = snapshot.rows.get(taskIndex.name)?.get(taskId)?.revision;
      // Behind its stream (a rebuild, a lost write): only the reading path fills the gap.
      if (revision !== before.get(taskId) || revision === undefined) return undefined;
      const rows = new Map<string, Row<unknown>>();
      for (const p of found) {
        const row = snapshot.rows.get(p.name)?.get(taskId);
        if (row !== undefined) rows.set(p.name, row);
      }
      remember(taskId, { revision, rows });
    }
    return found;
  };

  const plan = async (
    events: readonly UnpositionedEvent[],
    firstParam: number,
  ): Promise<InlineStatementPlan | undefined> => {
    const taskEvents = events.filter((e) => isTaskStream(e.streamName));
    // Task id → the revision its rows must be at (-1: a new stream, no rows) and will be at.
    const before = new Map<string, bigint>();
    const after = new Map<string, bigint>();
    for (const e of taskEvents) {
      const taskId = taskIdOf(e.streamName);
      if (!before.has(taskId)) before.set(taskId, e.revision - 1n);
      after.set(taskId, e.revision);
    }
    const targets = await fill(before);
    if (targets === undefined) return undefined;
    const rowsOf = new Map<string, Map<string, Row<unknown>>>();
    for (const [taskId, revision] of before) {
      const kept = cache.get(taskId);
      if (revision >= 0n && kept?.revision !== revision) return undefined;
      rowsOf.set(taskId, new Map(revision < 0n ? [] : kept?.rows));
    }
    const planned = taskEvents.map(toPlannedEvent);
    const writes: TableWrite[] = [];
    for (const projection of targets) {
      const rows = new Map<string, Row<unknown>>();
      for (const [taskId, taskRows] of rowsOf) {
        const row = taskRows.get(projection.name);
        if (row !== undefined) rows.set(taskId, row);
      }
      const changed = foldBatch(projection, rows, planned);
      if (changed.size === 0) continue;
      writes.push({ table: tableOf(projection), rows: changed });
      for (const [taskId, row] of changed) rowsOf.get(taskId)?.set(projection.name, row);
    }
    const upserts = sql.writes(writes, firstParam);
    const guard = sql.guard(
      projections,
      targets.map((p) => p.name),
      firstParam + upserts.params.length,
    );
    return {
      ctes: upserts.ctes,
      guard: guard.sql,
      params: [...upserts.params, ...guard.params],
      settled: (committed) => {
        for (const [taskId, rows] of rowsOf) {
          const revision = after.get(taskId);
          if (committed && revision !== undefined) remember(taskId, { revision, rows });
          else cache.delete(taskId);
        }
        if (!committed) confirmed = false;
      },
    };
  };

  return { plan };
};
