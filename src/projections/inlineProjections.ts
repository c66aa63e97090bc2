import type { RecordedEvent } from '../ports/eventStore';
import type { ReadModelTransaction, SyncReadModelTransaction } from '../ports/readModelStore';
import type { AnyProjection } from './projection';
import { projections as allProjections } from './registry';
import { applyBatch, applyBatchSync, ReadMissing, ReadMissingSync } from './applyBatch';
import { toProjectedEvents } from './projectedEvents';

/**
 * How far an inline checkpoint may trail the log. Rows know their revisions, so a checkpoint
 * only bounds what a catch-up at the next start re-reads (and skips); writing it on every
 * append would add a page to every commit for nothing.
 */
export const INLINE_CHECKPOINT_INTERVAL = 1_000n;

/**
 * Inline mode: the read models move inside the append's own transaction, so a command's result
 * is readable the moment it returns. Projections being rebuilt (checkpoint at another version)
 * are left to the rebuild.
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
  const current = checkpoints.filter((c) => c.checkpoint?.version === c.projection.version);
  const due = current.some(
    (c) => last.position - (c.checkpoint?.position ?? 0n) >= INLINE_CHECKPOINT_INTERVAL,
  );
  applyBatchSync(
    tx,
    current.map((c) => c.projection),
    events,
    readMissing,
    due ? { checkpoint: { position: last.position } } : {},
  );
};

/**
 * The same for stores whose transactions are asynchronous (PostgreSQL). Checkpoints are not
 * moved here: concurrent appends would all queue on the checkpoint row, and inline rows need no
 * checkpoint to be current (each row knows its revision).
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
  const current = projections.filter((p) => checkpoints.get(p.name)?.version === p.version);
  await applyBatch(tx, current, events, readMissing);
};
