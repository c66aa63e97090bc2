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
  const folding = checkpoints.filter((c) => foldsInline(c.checkpoint?.version, c.projection.version));
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
 * A projection stopped being folded inline while an append was folding it (a rebuild cleared
 * its table): the append must be planned again. `retry` asks the store for that.
 */
export class InlineTargetsMoved extends Error {
  readonly retry = true;
  constructor(readonly projections: readonly string[]) {
    super(`inline projections: ${projections.join(', ')} stopped being folded inline during the append`);
  }
}

/**
 * The same for stores whose transactions are asynchronous (PostgreSQL). Checkpoints are not
 * moved here: concurrent appends would all queue on the checkpoint row, and inline rows need no
 * checkpoint to be current (each row knows its revision). The engine moves them now and then,
 * outside the appends (projectionRunner's `advance`).
 *
 * The checkpoints and the rows are read by separate statements, each seeing what was committed
 * when it ran: a rebuild's clear committed between them would leave a checkpoint that says fold
 * and rows that are gone, and the events would be folded onto nothing. So the checkpoints are
 * read again once the rows are written; if a target has stopped being folded inline, the append
 * throws InlineTargetsMoved and is tried again. (A clear takes rows and checkpoint together.)
 */
export const projectInline = async (
  tx: ReadModelTransaction,
  recorded: readonly RecordedEvent[],
  readMissing: ReadMissing,
  projections: readonly AnyProjection[] = allProjections,
): Promise<void> => {
  const events = toProjectedEvents(recorded);
  if (events.length === 0) return;
  const names = projections.map((p) => p.name);
  const before = await tx.checkpoints(names);
  const folding = projections.filter((p) => foldsInline(before.get(p.name)?.version, p.version));
  await applyBatch(tx, folding, events, readMissing);
  if (folding.length === 0) return;
  const after = await tx.checkpoints(names);
  const moved = folding.filter((p) => !foldsInline(after.get(p.name)?.version, p.version));
  if (moved.length > 0) throw new InlineTargetsMoved(moved.map((p) => p.name));
};
