import type {
  Checkpoint,
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
  /**
   * The position to record (undefined: leave the checkpoint alone, as inline PostgreSQL writes
   * do), and at which version. Without `versionOf` (a catch-up, a follower) each projection's
   * code version, recorded only where the checkpoint is at it or absent (advanceCheckpoints):
   * a rebuild that began meanwhile keeps its marks. With it (a rebuild's own passes), recorded
   * whatever the checkpoint was.
   */
  readonly checkpoint?: {
    readonly position: bigint;
    readonly versionOf?: (projection: AnyProjection) => number;
  };
  /**
   * Most events are already in their rows (a catch-up behind inline writers, whose PostgreSQL
   * writes leave the checkpoint where it was): read the rows' revisions first and load and fold
   * only the tasks some target still lacks events of.
   */
  readonly mostlyFolded?: boolean;
};

/** The events that some target handles and whose row has not folded them yet. */
const unfoldedEvents = async (
  tx: ReadModelTransaction,
  targets: readonly AnyProjection[],
  events: readonly ProjectedEvent[],
): Promise<readonly ProjectedEvent[]> => {
  const revisions = await tx.revisions(
    targets.map((p) => p.name),
    [...new Set(events.map((e) => e.taskId))],
  );
  return events.filter((e) =>
    targets.some((p) => p.handles.has(e.type) && e.revision > (revisions.get(p.name)?.get(e.taskId) ?? -1n)),
  );
};

const gapsIn = (
  targets: readonly AnyProjection[],
  indexRows: ReadonlyMap<string, Row<unknown>>,
  events: readonly ProjectedEvent[],
) =>
  targets.some((p) => p.name === taskIndex.name)
    ? findGaps(indexRows, events)
    : new Map<string, { from: bigint; to: bigint }>();

/** Loads the rows `events` touch, fills their gaps, folds and writes them. */
const foldInto = async (
  tx: ReadModelTransaction,
  targets: readonly AnyProjection[],
  events: readonly ProjectedEvent[],
  readMissing: ReadMissing,
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
};

/**
 * Folds a batch of events into every target projection's rows, fills any gap first (events a
 * row missed while it was being rebuilt), and moves the checkpoints, all in one transaction.
 */
export const applyBatch = async (
  tx: ReadModelTransaction,
  targets: readonly AnyProjection[],
  events: readonly ProjectedEvent[],
  readMissing: ReadMissing,
  { checkpoint, mostlyFolded = false }: BatchOptions = {},
): Promise<void> => {
  // Before any row: inline appends hold the checkpoints first too (see lockCheckpoints).
  if (checkpoint !== undefined) await tx.lockCheckpoints?.(targets.map((p) => p.name));
  const pending = mostlyFolded ? await unfoldedEvents(tx, targets, events) : events;
  if (pending.length > 0) await foldInto(tx, targets, pending, readMissing);
  if (checkpoint !== undefined) {
    const { position, versionOf } = checkpoint;
    await recordCheckpoints(
      tx,
      new Map(targets.map((p) => [p.name, { version: versionOf?.(p) ?? p.version, position }])),
      versionOf,
    );
  }
};

/**
 * Writes checkpoints by BatchOptions' rule: a rebuild's own (`versionOf` given) whatever they
 * were; anyone else's only where they are at the code version or absent (advanceCheckpoints).
 */
export const recordCheckpoints = (
  tx: ReadModelTransaction,
  checkpoints: ReadonlyMap<string, Checkpoint>,
  versionOf: ((projection: AnyProjection) => number) | undefined,
): Promise<void> =>
  versionOf === undefined ? tx.advanceCheckpoints(checkpoints) : tx.setCheckpoints(checkpoints);

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
        version: checkpoint.versionOf?.(projection) ?? projection.version,
        position: checkpoint.position,
      });
    }
  }
};
