import type { RecordedEvent } from '../ports/eventStore';
import type { ReadModelTransaction, SyncReadModelTransaction } from '../ports/readModelStore';
import type { AnyProjection } from './projection';
import { projections as allProjections } from './registry';
import { applyBatch, applyBatchSync, ReadMissing, ReadMissingSync } from './applyBatch';
import { toProjectedEvents } from './projectedEvents';
import { foldsInline, isCurrent } from './checkpointVersions';

/**
 * How far an inline checkpoint may trail the log: in positions on SQLite and in memory, where
 * the appends move it, in one engine's appends where the engine does (PostgreSQL). Rows know
 * their revisions, so a checkpoint only bounds what a catch-up at the next start re-reads (and
 * skips); writing it on every append would add a page to every commit for nothing.
 */
export const INLINE_CHECKPOINT_INTERVAL = 1_000;

/**
 * Inline mode: the read models move inside the append's own transaction, so a command's result
 * is readable the moment it returns. Projections being rebuilt (checkpoint REBUILDING, or at
 * another code version) are left to the rebuild.
 */
export const projectInlineSync = (
  tx: SyncReadModelTransaction,
  recorded: readonly RecordedEvent[],
  readMissing: ReadMissingSync,
  projections: readonly AnyProjection[] = allProjections,
): void => {
  const events = toProjectedEvents(recorded);
  const last = recorded[recorded.length - 1];
  if (events.length === 0 || last === undefined) return;
  const stored = tx.allCheckpoints();
  const checkpoints = projections.map((p) => ({ projection: p, checkpoint: stored.get(p.name) }));
  const folding = checkpoints.filter((c) => foldsInline(c.checkpoint, c.projection.version));
  // A settling checkpoint is the rebuild's to move: past it lie events no row has folded yet.
  const due =
    folding.every((c) => isCurrent(c.checkpoint, c.projection.version)) &&
    folding.some((c) => last.position - (c.checkpoint?.position ?? 0n) >= BigInt(INLINE_CHECKPOINT_INTERVAL));
  applyBatchSync(
    tx,
    folding.map((c) => c.projection),
    events,
    readMissing,
    due ? { checkpoint: { position: last.position } } : {},
  );
};

/**
 * The same for stores whose transactions are asynchronous (PostgreSQL). Checkpoints are not
 * moved here: concurrent appends would all queue on the checkpoint row, and inline rows need no
 * checkpoint to be current (each row knows its revision). The engine moves them now and then,
 * outside the appends (projectionRunner's `advance`).
 */
export const projectInline = async (
  tx: ReadModelTransaction,
  recorded: readonly RecordedEvent[],
  readMissing: ReadMissing,
  projections: readonly AnyProjection[] = allProjections,
): Promise<void> => {
  const events = toProjectedEvents(recorded);
  if (events.length === 0) return;
  const checkpoints = await tx.checkpoints(projections.map((p) => p.name));
  const folding = projections.filter((p) => foldsInline(checkpoints.get(p.name), p.version));
  await applyBatch(tx, folding, events, readMissing);
};
