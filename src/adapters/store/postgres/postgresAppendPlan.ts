import type { AppendResult, EventToAppend } from '../../../ports/eventStore';
import { assertExpectedRevision, type ExpectedRevision } from '../../../ports/expectedRevision';
import { eventIdConflict } from '../../../ports/storeErrors';
import type { Settled } from '../groupCommit';
import { idempotentResult } from '../idempotentAppend';
import { bigintField, stringField } from './postgresRows';

export type PostgresAppend = {
  readonly stream: string;
  readonly events: readonly EventToAppend[];
  readonly expectedRevision: ExpectedRevision;
};

export type StoredPlace = { streamName: string; revision: bigint; position: bigint; type: string };

/** What the database held for a batch's streams and event ids when it was looked up. */
export type StoredState = {
  readonly lastRevisions: ReadonlyMap<string, bigint>;
  readonly used: ReadonlyMap<string, StoredPlace>;
};

export type PlannedRow = {
  readonly stream: string;
  readonly revision: bigint;
  /** 1-based place in the transaction: the low bits of the position. */
  readonly ordinal: bigint;
  readonly event: EventToAppend;
};

/** Positions are known only once the rows are inserted. */
const PENDING = -1n;

const placeKey = (stream: string, revision: bigint) => `${revision}\u0000${stream}`;

/**
 * Decides a batch of appends against the stored state, each in turn against the state the
 * appends before it would leave, with the rules every store shares (idempotentAppend.ts,
 * expectedRevision.ts). Pure: the caller inserts `rows` in one statement, then `settle`s.
 */
export const planAppends = (batch: readonly PostgresAppend[], stored: StoredState) => {
  const last = new Map(stored.lastRevisions);
  const used = new Map(stored.used);
  const rows: PlannedRow[] = [];

  const decide = ({ stream, events, expectedRevision }: PostgresAppend): AppendResult => {
    const replay = idempotentResult(stream, events, expectedRevision, (id) => used.get(id));
    if (replay !== undefined) return replay;
    const actual = last.get(stream);
    assertExpectedRevision(stream, expectedRevision, actual);
    const ids = new Set<string>();
    for (const event of events) {
      if (used.has(event.id) || ids.has(event.id)) throw eventIdConflict(stream, event.id);
      ids.add(event.id);
    }
    let revision = actual === undefined ? 0n : actual + 1n;
    for (const event of events) {
      rows.push({ stream, revision, ordinal: BigInt(rows.length + 1), event });
      used.set(event.id, { streamName: stream, revision, position: PENDING, type: event.type });
      last.set(stream, revision);
      revision++;
    }
    return { nextExpectedRevision: last.get(stream) ?? -1n, position: PENDING };
  };

  const outcomes = batch.map((append): Settled<AppendResult> => {
    try {
      return { ok: true, value: decide(append) };
    } catch (error) {
      return { ok: false, error };
    }
  });

  /**
   * Fills in the positions once the rows are in: `inserted` by stream and revision, `head` for
   * appends of no events (which answer with the log's last position, as every store does).
   */
  const settle = (inserted: ReadonlyMap<string, bigint>, head: () => bigint): Settled<AppendResult>[] =>
    outcomes.map((outcome, i) => {
      if (!outcome.ok || outcome.value.position !== PENDING) return outcome;
      const append = batch[i];
      if (append === undefined || append.events.length === 0) {
        return { ok: true, value: { ...outcome.value, position: head() } };
      }
      const position = inserted.get(placeKey(append.stream, outcome.value.nextExpectedRevision));
      if (position === undefined) throw new Error(`postgres: no position came back for ${append.stream}`);
      return { ok: true, value: { ...outcome.value, position } };
    });

  return { outcomes, rows, settle, needsHead: batch.some((append) => append.events.length === 0) };
};

/** Planned rows as the JSON the insert statements unpack (bigints as text: JSON has no 64-bit integers). */
export const plannedRowsJson = (rows: readonly PlannedRow[]) =>
  JSON.stringify(
    rows.map(({ stream, revision, ordinal, event }) => ({
      stream,
      revision: revision.toString(),
      ordinal: ordinal.toString(),
      id: event.id,
      type: event.type,
      data: event.data,
      metadata: event.metadata,
    })),
  );

export const insertedPlaces = (rows: readonly { stream: string; revision: bigint; position: bigint }[]) =>
  new Map(rows.map((row) => [placeKey(row.stream, row.revision), row.position]));

/** The same from the rows an insert returned (`stream_name`, `revision` and `position` as text). */
export const insertedPlacesOf = (rows: readonly unknown[]) =>
  insertedPlaces(
    rows.flatMap((row: unknown) => {
      const stream = stringField(row, 'stream_name');
      const revision = bigintField(row, 'revision');
      const position = bigintField(row, 'position');
      return stream === undefined || revision === undefined || position === undefined
        ? []
        : [{ stream, revision, position }];
    }),
  );
