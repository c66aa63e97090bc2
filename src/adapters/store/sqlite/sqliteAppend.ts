import type { Database, Statement } from 'better-sqlite3';
import type { AppendResult, EventToAppend, RecordedEvent } from '../../../ports/eventStore';
import { assertExpectedRevision, type ExpectedRevision } from '../../../ports/expectedRevision';
import { eventIdConflict } from '../../../ports/storeErrors';
import { idempotentResult } from '../idempotentAppend';
import type { Settled } from '../groupCommit';
import { fromSQLiteError, isUniqueViolation } from './sqliteErrors';
import { getTryBegin } from './sqliteWriteLock';

export type SQLiteAppend = {
  readonly stream: string;
  readonly events: readonly EventToAppend[];
  readonly expectedRevision: ExpectedRevision;
};

export type OnSQLiteAppended = (db: Database, events: readonly RecordedEvent[]) => void;

const asBigint = (value: unknown): bigint | undefined =>
  typeof value === 'bigint' ? value : typeof value === 'number' ? BigInt(value) : undefined;

const column = (row: unknown, name: string): unknown =>
  typeof row === 'object' && row !== null ? Reflect.get(row, name) : undefined;

/**
 * Writes queued appends in one transaction. Each append is checked on its own against the
 * state left by the appends before it, inside a savepoint, so one failing append (a conflict,
 * a throwing projection hook) is undone alone and the others still commit.
 */
export const getSQLiteAppender = (
  db: Database,
  onAppended: OnSQLiteAppended | undefined,
  busyTimeoutMs: number,
) => {
  const safe = (statement: Statement) => statement.safeIntegers(true);
  const byId = safe(
    db.prepare('SELECT stream_name, revision, position, type FROM events WHERE event_id = ?'),
  );
  const lastRevision = safe(db.prepare('SELECT max(revision) AS revision FROM events WHERE stream_name = ?'));
  const head = safe(db.prepare('SELECT coalesce(max(position), 0) AS position FROM events'));
  const insert = safe(
    db.prepare(
      'INSERT INTO events (stream_name, revision, event_id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
    ),
  );
  const statement = (sql: string) => db.prepare(sql);
  const begin = statement('BEGIN IMMEDIATE');
  const commit = statement('COMMIT');
  const rollback = statement('ROLLBACK');
  const savepoint = statement('SAVEPOINT append');
  const release = statement('RELEASE append');
  const rollbackToSavepoint = statement('ROLLBACK TO append');

  const lookup = (id: string) => {
    const row = byId.get(id);
    if (row === undefined) return undefined;
    const streamName = column(row, 'stream_name');
    const revision = asBigint(column(row, 'revision'));
    const position = asBigint(column(row, 'position'));
    const type = column(row, 'type');
    if (
      typeof streamName !== 'string' ||
      revision === undefined ||
      position === undefined ||
      typeof type !== 'string'
    ) {
      return undefined;
    }
    return { streamName, revision, position, type };
  };

  const appendOne = ({ stream, events, expectedRevision }: SQLiteAppend): AppendResult => {
    const replay = idempotentResult(stream, events, expectedRevision, lookup);
    if (replay !== undefined) return replay;
    const actual = asBigint(column(lastRevision.get(stream), 'revision'));
    assertExpectedRevision(stream, expectedRevision, actual);
    const recorded: RecordedEvent[] = [];
    let revision = actual === undefined ? 0n : actual + 1n;
    for (const event of events) {
      let position: bigint;
      try {
        const info = insert.run(
          stream,
          revision,
          event.id,
          event.type,
          JSON.stringify(event.data),
          JSON.stringify(event.metadata),
        );
        position = BigInt(info.lastInsertRowid);
      } catch (e) {
        // The first id was looked up above; a later one already used is caught by the unique
        // index (stream and revision cannot clash: the write lock is held since the check).
        if (isUniqueViolation(e)) throw eventIdConflict(stream, event.id);
        throw e;
      }
      recorded.push({ ...event, streamName: stream, revision, position });
      revision++;
    }
    if (onAppended !== undefined && recorded.length > 0) onAppended(db, recorded);
    const last = recorded[recorded.length - 1];
    if (last !== undefined) return { nextExpectedRevision: last.revision, position: last.position };
    return {
      nextExpectedRevision: actual ?? -1n,
      position: asBigint(column(head.get(), 'position')) ?? 0n,
    };
  };

  const attempt = (append: SQLiteAppend): Settled<AppendResult> => {
    try {
      return { ok: true, value: appendOne(append) };
    } catch (error) {
      return { ok: false, error: fromSQLiteError(error) };
    }
  };

  const tryBegin = getTryBegin(db, () => begin.run(), busyTimeoutMs);

  /**
   * Returns one outcome per append; throws (failing them all) only when the transaction itself
   * fails. `begun`: the caller already holds the write lock (tryBegin).
   */
  const appendBatch = (batch: readonly SQLiteAppend[], begun = false): Settled<AppendResult>[] => {
    try {
      if (!begun) begin.run();
      const outcomes = batch.map((append): Settled<AppendResult> => {
        if (batch.length === 1) return attempt(append);
        savepoint.run();
        const outcome = attempt(append);
        if (!outcome.ok) rollbackToSavepoint.run();
        release.run();
        return outcome;
      });
      if (batch.length === 1 && outcomes[0]?.ok === false) rollback.run();
      else commit.run();
      return outcomes;
    } catch (e) {
      if (db.inTransaction) rollback.run();
      throw fromSQLiteError(e);
    }
  };

  return { appendBatch, tryBegin };
};
