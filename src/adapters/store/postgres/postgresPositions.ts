/**
 * Global positions on PostgreSQL, and why they are not a sequence.
 *
 * Sequence values are drawn in one order and committed in another, so a reader polling by
 * position can see p+1 before p and skip p for good. The usual cure, reading only rows whose
 * transaction id is below `pg_snapshot_xmin(pg_current_snapshot())`, is not enough on its own
 * either: transaction A can take its id before B but draw its sequence value after B, and once B
 * commits and B's id is below the horizon, B's later position is read while A's earlier one is
 * still in flight.
 *
 * So the position is derived from the transaction id itself:
 *
 *     position = ((transaction id + base) << 20) + ordinal of the event in its transaction
 *
 * Positions then follow transaction ids, and every transaction id below the snapshot's xmin
 * belongs to a finished transaction: all positions below `(xmin + base) << 20` are final, no
 * writer can add one later. Readers that must not skip (subscriptions, readAll) read only below
 * that horizon, with no lock shared between writers. Positions are sparse, as on EventStoreDB.
 *
 * `base` is 0 until the events are restored into another cluster whose transaction ids are
 * behind the old ones; the schema check then raises it so new positions stay above old ones.
 */
export const ORDINAL_BITS = 20n;

/** Events one transaction may hold; a group-commit flush (retries included) stays far below it. */
export const MAX_EVENTS_PER_TRANSACTION = 1 << Number(ORDINAL_BITS);

/** SQL for the first position of the current transaction, given the base as parameter `$n`. */
export const transactionPositionSql = (baseParameter: string) =>
  `((pg_current_xact_id()::text::bigint + ${baseParameter}::bigint) << ${ORDINAL_BITS})`;

/** SQL for the horizon: every position below it is final. */
export const horizonSql = (baseParameter: string) =>
  `((pg_snapshot_xmin(pg_current_snapshot())::text::bigint + ${baseParameter}::bigint) << ${ORDINAL_BITS})`;
