import type {
  ReadModelTransaction,
  Row,
  SyncReadModelTransaction,
  TableWrite,
} from '../ports/readModelStore';
import type { AnyProjection, ProjectedEvent } from './projection';
import { findGaps, foldBatch, keysFor } from './foldBatch';
import { tableOf } from './registry';
import { taskIndex } from './taskIndex';

/** Reads a task's events between two revisions: how a row missing events catches up. */
export type ReadMissing = (taskId: string, from: bigint, to: bigint) => Promise<ProjectedEvent[]>;
export type ReadMissingSync = (taskId: string, from: bigint, to: bigint) => ProjectedEvent[];

export type BatchOptions = {
  /** The position to record (undefined: leave the checkpoint alone, as inline PostgreSQL writes do). */
  readonly checkpoint?: { readonly position: bigint; readonly version?: number };
};

const gapsIn = (
  targets: readonly AnyProjection[],
  indexRows: ReadonlyMap<string, Row<unknown>>,
  events: readonly ProjectedEvent[],
) =>
  targets.some((p) => p.name === taskIndex.name)
    ? findGaps(indexRows, events)
    : new Map<string, { from: bigint; to: bigint }>();

/**
 * Folds a batch of events into every target projection's rows, fills any gap first (events a
 * row missed while it was being rebuilt), and moves the checkpoints, all in one transaction.
 */
export const applyBatch = async (
  tx: ReadModelTransaction,
  targets: readonly AnyProjection[],
  events: readonly ProjectedEvent[],
  readMissing: ReadMissing,
  { checkpoint }: BatchOptions = {},
): Promise<void> => {
  const named = new Set(events.map((e) => e.taskId));
  const taskIds = [...named];
  // Every touched row of every target in one read: the task index finds gaps, the others fold.
  const loaded = await tx.loadMany([...new Set([taskIndex.name, ...targets.map((p) => p.name)])], taskIds);
  const indexRows = loaded.get(taskIndex.name) ?? new Map<string, Row<unknown>>();
  const missing: ProjectedEvent[] = [];
  for (const [taskId, gap] of gapsIn(targets, indexRows, events))
    missing.push(...(await readMissing(taskId, gap.from, gap.to)));
  const all = missing.length === 0 ? events : [...missing, ...events];
  const writes: TableWrite[] = [];
  for (const projection of targets) {
    const keys = keysFor(projection, all);
    if (keys.length === 0) continue;
    let rows = loaded.get(projection.name) ?? new Map<string, Row<unknown>>();
    // A gap can bring in a task the batch itself did not name.
    const unloaded = keys.filter((k) => !named.has(k));
    if (unloaded.length > 0)
      rows = new Map([...rows, ...(await tx.load<unknown>(projection.name, unloaded))]);
    const changed = foldBatch(projection, rows, all);
    if (changed.size > 0) writes.push({ table: tableOf(projection), rows: changed });
  }
  if (writes.length > 0) await tx.writeMany(writes);
  if (checkpoint !== undefined) {
    await tx.setCheckpoints(
      new Map(
        targets.map((projection) => [
          projection.name,
          { version: checkpoint.version ?? projection.version, position: checkpoint.position },
        ]),
      ),
    );
  }
};

/** The same inside a synchronous transaction (inline projections inside an SQLite append). */
export const applyBatchSync = (
  tx: SyncReadModelTransaction,
  targets: readonly AnyProjection[],
  events: readonly ProjectedEvent[],
  readMissing: ReadMissingSync,
  { checkpoint }: BatchOptions = {},
): void => {
  const indexRows = tx.load<unknown>(taskIndex.name, [...new Set(events.map((e) => e.taskId))]);
  const missing: ProjectedEvent[] = [];
  for (const [taskId, gap] of gapsIn(targets, indexRows, events))
    missing.push(...readMissing(taskId, gap.from, gap.to));
  const all = missing.length === 0 ? events : [...missing, ...events];
  for (const projection of targets) {
    const keys = keysFor(projection, all);
    if (keys.length > 0) {
      const rows = projection.name === taskIndex.name ? indexRows : tx.load<unknown>(projection.name, keys);
      tx.write(tableOf(projection), foldBatch(projection, rows, all), rows);
    }
    if (checkpoint !== undefined) {
      tx.setCheckpoint(projection.name, {
        version: checkpoint.version ?? projection.version,
        position: checkpoint.position,
      });
    }
  }
};
