import type { EventStore } from '../ports/eventStore';
import type { ReadModelStore } from '../ports/readModelStore';
import type { AnyProjection } from './projection';
import { INLINE_CHECKPOINT_INTERVAL } from './inlineProjections';
import { headPosition } from '../ports/eventStore';

export type CheckpointAdvancerOptions = {
  readonly store: EventStore;
  readonly readModels: ReadModelStore;
  readonly projections: readonly AnyProjection[];
  /** Whether to move them at all: only where inline writers leave the checkpoints alone. */
  readonly enabled: boolean;
  /** A slow writer moves them at its first append this long after the last move. */
  readonly advanceAfterMs: number;
};

/**
 * Inline mode on a store whose inline writers leave the checkpoints alone (PostgreSQL):
 * `advance` is called after each of this engine's appends. Every INLINE_CHECKPOINT_INTERVAL
 * appends (or at the first append `advanceAfterMs` after the last move), it moves every current
 * checkpoint up to the head, in the background and one move at a time. Counted in appends, not
 * positions: PostgreSQL's are sparse. Below the head every event is final and was folded by its
 * own append, whose writer saw the checkpoint current or settling (a REBUILDING one ends as
 * settling, which this leaves alone). A failed move only leaves more for the next start to
 * re-read.
 */
export const getCheckpointAdvancer = (options: CheckpointAdvancerOptions) => {
  const { store, readModels, projections, enabled, advanceAfterMs } = options;
  // This engine's appends since the checkpoints last moved, when, and the move in flight.
  let appendsSinceMove = 0;
  let lastMoveAt = Date.now();
  let advancing: Promise<void> | undefined;

  const advance = () => {
    if (!enabled) return;
    appendsSinceMove++;
    if (advancing !== undefined) return;
    const now = Date.now();
    if (appendsSinceMove < INLINE_CHECKPOINT_INTERVAL && now - lastMoveAt < advanceAfterMs) return;
    appendsSinceMove = 0;
    lastMoveAt = now;
    advancing = (async () => {
      const head = await headPosition(store);
      await readModels.transaction(
        (tx) =>
          tx.advanceCheckpoints(
            new Map(projections.map((p) => [p.name, { version: p.version, position: head }])),
          ),
        { durable: false },
      );
    })()
      .catch(() => undefined)
      .finally(() => (advancing = undefined));
  };

  /** Resolves once a move `advance` started has ended (before the engine closes its stores). */
  const advanced = async () => {
    await advancing;
  };

  return { advance, advanced };
};
