import type { Database, Statement } from 'better-sqlite3';
import type {
  EventFilter,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
} from '../../../ports/eventStore';
import { EVENT_COLUMNS, toRecordedEventFromRaw } from './sqliteRows';
import { fromSQLiteError } from './sqliteErrors';

const STREAM_BATCH = 500;
const ALL_BATCH = 1000;
const MAX_INT64 = 9223372036854775807n;

const filterSql = (filter: EventFilter | undefined) =>
  (filter?.eventTypes === undefined ? '' : ' AND type IN (SELECT value FROM json_each(@types))') +
  (filter?.streamPrefixes === undefined
    ? ''
    : ' AND EXISTS (SELECT 1 FROM json_each(@prefixes) AS p WHERE substr(stream_name, 1, length(p.value)) = p.value)');

/**
 * Reads in batches: each batch is one statement run to completion (`all`), so no statement stays
 * open across a `yield` (which would block this connection's writes) and memory holds one batch.
 */
export const getSQLiteReads = (db: Database, assertOpen: () => void) => {
  // Raw rows (arrays, not objects): a read is mostly building rows, and a rebuild reads them all.
  const prepare = (sql: string) => db.prepare(sql).safeIntegers(true).raw(true);
  const forwards = prepare(
    `SELECT ${EVENT_COLUMNS} FROM events
     WHERE stream_name = @stream AND revision >= @from AND revision <= @to ORDER BY revision LIMIT @limit`,
  );
  const backwards = prepare(
    `SELECT ${EVENT_COLUMNS} FROM events
     WHERE stream_name = @stream AND revision <= @from AND revision >= @to ORDER BY revision DESC LIMIT @limit`,
  );
  const allStatements = new Map<string, Statement>();
  const allStatement = (filter: EventFilter | undefined) => {
    const where = filterSql(filter);
    let statement = allStatements.get(where);
    if (statement === undefined) {
      statement = prepare(
        `SELECT ${EVENT_COLUMNS} FROM events WHERE position >= @from${where} ORDER BY position LIMIT @limit`,
      );
      allStatements.set(where, statement);
    }
    return statement;
  };
  const headStatement = db
    .prepare('SELECT coalesce(max(position), 0) AS position FROM events')
    .safeIntegers(true);

  const run = (statement: Statement, params: Record<string, unknown>): RecordedEvent[] => {
    assertOpen();
    try {
      return statement.all(params).map(toRecordedEventFromRaw);
    } catch (e) {
      throw fromSQLiteError(e);
    }
  };

  async function* readStream(stream: string, options: ReadStreamOptions = {}): AsyncIterable<RecordedEvent> {
    const { maxCount = Number.MAX_SAFE_INTEGER, direction = 'forwards' } = options;
    const isForwards = direction === 'forwards';
    let from = options.fromRevision ?? (isForwards ? 0n : MAX_INT64);
    const to = options.toRevision ?? (isForwards ? MAX_INT64 : 0n);
    let left = maxCount;
    while (left > 0) {
      const limit = Math.min(STREAM_BATCH, left);
      const batch = run(isForwards ? forwards : backwards, { stream, from, to, limit });
      for (const event of batch) yield event;
      left -= batch.length;
      const last = batch[batch.length - 1];
      if (batch.length < limit || last === undefined || (!isForwards && last.revision === 0n)) return;
      from = isForwards ? last.revision + 1n : last.revision - 1n;
    }
  }

  async function* readAllBatches(options: ReadAllOptions = {}): AsyncIterable<readonly RecordedEvent[]> {
    const { maxCount = Number.MAX_SAFE_INTEGER, batchSize = ALL_BATCH, filter } = options;
    assertOpen();
    const statement = allStatement(filter);
    const filterParams = {
      ...(filter?.eventTypes === undefined ? {} : { types: JSON.stringify(filter.eventTypes) }),
      ...(filter?.streamPrefixes === undefined ? {} : { prefixes: JSON.stringify(filter.streamPrefixes) }),
    };
    let from = options.fromPosition ?? 0n;
    let left = maxCount;
    while (left > 0) {
      const limit = Math.min(batchSize, left);
      const batch = run(statement, { from, limit, ...filterParams });
      if (batch.length > 0) yield batch;
      left -= batch.length;
      const last = batch[batch.length - 1];
      if (batch.length < limit || last === undefined) return;
      from = last.position + 1n;
    }
  }

  async function* readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    for await (const batch of readAllBatches(options)) for (const event of batch) yield event;
  }

  const headPosition = (): bigint => {
    assertOpen();
    const row: unknown = headStatement.get();
    const position = typeof row === 'object' && row !== null ? Reflect.get(row, 'position') : undefined;
    return typeof position === 'bigint' ? position : 0n;
  };

  return { readStream, readAll, readAllBatches, headPosition };
};
