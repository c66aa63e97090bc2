import type { Checkpoint } from '../ports/readModelStore';

/**
 * What a checkpoint's version says to the writers that fold inline and to whoever moves the
 * checkpoint. A projection's checkpoint is at its code version once its rows are complete up to
 * the position; a rebuild takes it through two other values on the way there.
 */

/** While a rebuild refills the rows: inline writers leave them alone. */
export const REBUILDING = -1;

/**
 * After the refill, until the rebuild's last catch-up has folded what inline writers skipped
 * while it ran (negative, so no code version is ever taken for it). Inline writers fold again,
 * but nothing may move the checkpoint past those skipped events: only that catch-up ends it.
 */
export const settling = (version: number): number => -2 - version;

/** The rows are complete up to the position: the checkpoint may move to any later complete point. */
export const isCurrent = (checkpoint: Checkpoint | undefined, version: number): boolean =>
  checkpoint?.version === version;

/** Inline writers fold a projection whose checkpoint is at its code version or settling. */
export const foldsInline = (checkpointVersion: number | undefined, version: number): boolean =>
  checkpointVersion === version || checkpointVersion === settling(version);

/** A rebuild that got as far as its last catch-up and did not end it (a crash, a lost connection). */
export const isSettling = (checkpoint: Checkpoint | undefined, version: number): boolean =>
  checkpoint?.version === settling(version);
