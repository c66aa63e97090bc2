import type Database from 'better-sqlite3';
import type {
  Checkpoint,
  ReadModelStore,
  ReadModelTransaction,
  Row,
  RowQuery,
  SyncReadModelTransaction,
  TableSpec,
} from '../../ports/readModelStore';
import { withLoops } from '../../ports/readModelStore';
import { getTryBegin, waitForWriteLock } from '../store/sqlite/sqliteWriteLock';
import { withLockFile } from './lockFile';
import { buildRowQuery, identifier, sqliteDialect, tableName } from './sqlDialect';
import { getSQLiteRowWriter } from './sqliteRowWriter';
import { MARK_CHECKPOINT_SQL, SET_CHECKPOINT_SQL } from './sqliteRowSql';
import { getPendingRows, type PendingRows } from './pendingRows';
import { getSQLiteBulkTransaction } from './sqliteBulkTransaction';
import { startSQLiteBackgroundWriter, type SQLiteBackgroundWriter } from './sqliteBackgroundWriter';

const parse = (text: string | null): unknown => (text === null ? undefined : JSON.parse(text));

/** WAL pages between checkpoints while a rebuild runs (SQLite's default is 1,000). */
const BULK_CHECKPOINT_PAGES = 10_000;

/**
 * Rebuild batches a writer thread may have in hand: one committing while the next is folded is
 * what overlaps the two threads; a second waiting evens out batches of uneven cost.
 */
const WRITER_DEPTH = 2;
// PRAGMA synchronous = NORMAL, as the pragma reads it back.
const SYNCHRONOUS_NORMAL = 1;

export type SQLiteReadModelsOptions = {
  /**
   * A rebuild commits its batches from a second thread with its own connection while this one
   * reads and folds (default: true, for a database in a file; one in memory cannot be shared).
   */
  readonly writerThread?: boolean;
};

/** A rebuild's writer thread and the rows it has not yet committed. */
type Background = {
  readonly writer: SQLiteBackgroundWriter;
  readonly pending: PendingRows;
  nextCommit: number;
};

/** Read models in the same SQLite file as the events, so they can change in the append's transaction. */
export const getSQLiteReadModels = (db: Database.Database, options: SQLiteReadModelsOptions = {}) => {
  const { writerThread = true } = options;
  db.function('regexp', { deterministic: true }, (pattern: unknown, value: unknown) =>
    new RegExp(String(pattern)).test(String(value ?? '')) ? 1 : 0,
  );
  db.exec(
    `CREATE TABLE IF NOT EXISTS rm_checkpoints (name TEXT PRIMARY KEY, version INTEGER NOT NULL, position INTEGER NOT NULL)`,
  );
  const specs = new Map<string, TableSpec>();
  let queue: Promise<void> = Promise.resolve();
  const busyTimeoutMs = Number(db.pragma('busy_timeout', { simple: true }));
  const tryBeginImmediate = getTryBegin(db, () => db.exec('BEGIN IMMEDIATE'), busyTimeoutMs);
  // Statements are prepared once: preparing costs more than running on this hot path.
  const statements = new Map<string, Database.Statement>();
  const statement = (sql: string) => {
    let prepared = statements.get(sql);
    if (prepared === undefined) statements.set(sql, (prepared = db.prepare(sql)));
    return prepared;
  };

  const writers = new Map<string, ReturnType<typeof getSQLiteRowWriter>>();
  const writerOf = (spec: TableSpec) => {
    let writer = writers.get(spec.name);
    if (writer === undefined) writers.set(spec.name, (writer = getSQLiteRowWriter(db, spec)));
    return writer;
  };

  const prepareTable = (spec: TableSpec) => {
    specs.set(spec.name, spec);
    const columns = spec.columns.map((c) => `${identifier(c.name)} ${c.type === 'number' ? 'REAL' : 'TEXT'}`);
    db.exec(
      `CREATE TABLE IF NOT EXISTS ${tableName(spec.name)} ("key" TEXT PRIMARY KEY, revision INTEGER NOT NULL, doc TEXT${columns.map((c) => `, ${c}`).join('')})`,
    );
    const wanted = new Set(spec.indexes.map((index) => index.name));
    // An index an earlier version declared costs every write and serves no query: dropped.
    const found = db
      .prepare(
        `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND substr(name, 1, ?) = ?`,
      )
      .pluck()
      .all(`rm_${spec.name}`, `rm_${spec.name}_`.length, `rm_${spec.name}_`) as string[];
    for (const name of found.filter((n) => !wanted.has(n))) db.exec(`DROP INDEX ${identifier(name)}`);
    for (const index of spec.indexes) {
      db.exec(
        `CREATE INDEX IF NOT EXISTS ${identifier(index.name)} ON ${tableName(spec.name)} (${[...index.columns, 'key'].map(identifier).join(', ')})`,
      );
    }
  };

  let background: Background | undefined;
  const startBackground = (): Background | undefined => {
    if (!writerThread || db.memory || db.name === '') return undefined;
    const pending = getPendingRows();
    const writer = startSQLiteBackgroundWriter({
      path: db.name,
      busyTimeoutMs,
      walAutocheckpointPages: BULK_CHECKPOINT_PAGES,
      depth: WRITER_DEPTH,
      onCommitted: (id) => pending.landed(id),
    });
    return { writer, pending, nextCommit: 0 };
  };

  /**
   * A rebuild's batches are committed by a writer thread (see `transaction`), every one landed
   * before this returns; the thread has time to spare, so it keeps the indexes up to date as it
   * goes. Without the thread, the tables are refilled without their indexes, then each index is
   * sorted once. Either way the WAL is checkpointed every ~40 MB instead of ~4 MB, each
   * checkpoint being a copy and an fsync (see ReadModelStore.bulkRefill); the usual interval is
   * back before the rebuild's last commit, which checkpoints what is left.
   */
  const bulkRefill = async <T>(tables: readonly TableSpec[], work: () => Promise<T>): Promise<T> => {
    const started = (background = startBackground());
    if (started === undefined)
      for (const spec of tables)
        for (const index of spec.indexes) db.exec(`DROP INDEX IF EXISTS ${identifier(index.name)}`);
    const interval: unknown = db.pragma('wal_autocheckpoint', { simple: true });
    db.pragma(`wal_autocheckpoint = ${BULK_CHECKPOINT_PAGES}`);
    try {
      const result = await work();
      await started?.writer.drain();
      return result;
    } finally {
      background = undefined;
      await started?.writer.close();
      db.pragma(`wal_autocheckpoint = ${Number(interval)}`);
      for (const spec of tables) prepareTable(spec);
    }
  };

  const readCheckpoint = (table: string): Checkpoint | undefined => {
    const row = statement(`SELECT version, position FROM rm_checkpoints WHERE name = ?`).get(table) as
      { version: number; position: number | bigint } | undefined;
    return row === undefined ? undefined : { version: row.version, position: BigInt(row.position) };
  };

  /**
   * The rows of many keys in one statement: a rebuild batch asks for hundreds, and each
   * statement starts a read of its own — after every commit of the writer thread, one that
   * re-reads the pages it had cached.
   */
  const loadAll = (table: string, keys: readonly string[]) => {
    const rows = new Map<string, Row<unknown>>();
    const found = statement(
      `SELECT "key", revision, doc FROM ${tableName(table)} WHERE "key" IN (SELECT value FROM json_each(?))`,
    ).all(JSON.stringify(keys)) as { key: string; revision: number | bigint; doc: string | null }[];
    for (const row of found) rows.set(row.key, { doc: parse(row.doc), revision: BigInt(row.revision) });
    return rows;
  };

  const sync: SyncReadModelTransaction = {
    checkpoint: readCheckpoint,
    allCheckpoints: () => {
      const rows = statement(`SELECT name, version, position FROM rm_checkpoints`).all() as {
        name: string;
        version: number;
        position: number | bigint;
      }[];
      return new Map(rows.map((r) => [r.name, { version: r.version, position: BigInt(r.position) }]));
    },
    load: <D>(table: string, keys: readonly string[]) => {
      const rows = new Map<string, Row<D>>();
      const select = statement(`SELECT "key", revision, doc FROM ${tableName(table)} WHERE "key" = ?`);
      for (const key of keys) {
        const row = select.get(key) as
          { key: string; revision: number | bigint; doc: string | null } | undefined;
        if (row !== undefined)
          rows.set(key, { doc: parse(row.doc) as D | undefined, revision: BigInt(row.revision) });
      }
      return rows;
    },
    write: <D>(spec: TableSpec, rows: ReadonlyMap<string, Row<D>>, previous?: ReadonlyMap<string, Row<D>>) =>
      writerOf(spec).write(rows, previous),
    setCheckpoint: (table, checkpoint) => {
      statement(SET_CHECKPOINT_SQL).run(table, checkpoint.version, checkpoint.position);
    },
  };

  const asyncTx: ReadModelTransaction = withLoops({
    checkpoint: async (table) => readCheckpoint(table),
    load: async (table, keys) => sync.load(table, keys),
    write: async (spec, rows) => sync.write(spec, rows),
    setCheckpoint: async (table, checkpoint) => sync.setCheckpoint(table, checkpoint),
  });

  /**
   * A rebuild batch: folded here, committed by the writer thread, which takes the next batch's
   * reading and folding off its critical path. Resolves once the pipeline has room again; the
   * writer's failure rejects it, or the next one, or the refill's end.
   */
  const inBackground = async <T>(
    running: Background,
    work: (tx: ReadModelTransaction) => Promise<T>,
  ): Promise<T> => {
    const tx = getSQLiteBulkTransaction(running.pending, { load: loadAll, checkpoint: readCheckpoint });
    const result = await work(tx.transaction);
    await running.writer.commit(tx.commit(running.nextCommit++));
    return result;
  };

  const store: ReadModelStore = {
    prepare: async (tables) => {
      for (const spec of tables) prepareTable(spec);
    },
    transaction: (work, options) => {
      // One at a time on this connection: SQLite has no nested transactions, and two callers'
      // promise chains would otherwise interleave. The work itself only awaits calls that settle
      // at once (microtasks), so the event store's group commit (a macrotask) never lands inside.
      const run = async () => {
        if (background !== undefined) {
          if (options?.durable === false) return inBackground(background, work);
          // A durable commit comes after every batch before it, on this connection.
          await background.writer.drain();
        }
        // Not durable: this commit skips the WAL fsync. The level is set only together with the
        // BEGIN that takes the lock, and put back when it fails or the transaction ends, so
        // nothing else commits at it on this connection (the level cannot change inside a
        // transaction). The lock is waited for on timers, as the appends do: SQLite's busy
        // handler would block the process and, backing off up to 100 ms, lose the lock to busy
        // writers in other processes until the timeout.
        const level = options?.durable === false ? db.pragma('synchronous', { simple: true }) : undefined;
        const setLevel = (value: unknown) => {
          if (level !== undefined) db.pragma(`synchronous = ${Number(value)}`);
        };
        await waitForWriteLock(() => {
          if (db.inTransaction) return false;
          setLevel(SYNCHRONOUS_NORMAL);
          const begun = tryBeginImmediate();
          if (!begun) setLevel(level);
          return begun;
        }, busyTimeoutMs);
        try {
          const result = await work(asyncTx);
          db.exec('COMMIT');
          return result;
        } catch (e) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw e;
        } finally {
          setLevel(level);
        }
      };
      const result = queue.then(run, run);
      queue = result.then(
        () => undefined,
        () => undefined,
      );
      return result;
    },
    checkpoint: async (table) => readCheckpoint(table),
    bulkRefill,
    // Beside the database file, for the processes sharing it (an in-memory database has one).
    ...(db.memory
      ? {}
      : { exclusively: (purpose, work) => withLockFile(`${db.name}.${purpose}.lock`, work) }),
    checkpoints: async (tables) => {
      const all = sync.allCheckpoints();
      return new Map(
        tables.flatMap((table) => {
          const checkpoint = all.get(table);
          return checkpoint === undefined ? [] : [[table, checkpoint] as const];
        }),
      );
    },
    // One transaction: another process's inline writer must never see a checkpoint without its rows.
    clear: async (tables, mark) => {
      db.transaction(() => {
        for (const table of tables) {
          statement(MARK_CHECKPOINT_SQL).run(table, mark.version, mark.position);
          // A table never created has nothing to clear.
          if (db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(`rm_${table}`))
            db.exec(`DELETE FROM ${tableName(table)}`);
        }
      })();
    },
    get: async <D>(table: string, key: string) => {
      const row = statement(`SELECT doc FROM ${tableName(table)} WHERE "key" = ?`).get(key) as
        { doc: string | null } | undefined;
      return (row === undefined ? undefined : parse(row.doc)) as D | undefined;
    },
    query: async <D>(table: string, query: RowQuery) => {
      const q = buildRowQuery(sqliteDialect, query);
      const read = db.transaction(() => {
        const total =
          query.count === false
            ? undefined
            : (
                statement(`SELECT count(*) AS n FROM ${tableName(table)} WHERE ${q.where}`).get(
                  ...q.countParams,
                ) as { n: number }
              ).n;
        const rows = statement(
          `SELECT "key", doc, ${q.sortColumn} AS sort_value FROM ${tableName(table)} WHERE ${q.pageWhere} ORDER BY ${q.orderBy} LIMIT ${q.limit}`,
        ).all(...q.params) as { key: string; doc: string; sort_value: string | number }[];
        return { total, rows };
      });
      const { total, rows } = read();
      return {
        ...(total === undefined ? {} : { total }),
        rows: rows.map((r) => ({ key: r.key, doc: JSON.parse(r.doc) as D, sortValue: r.sort_value })),
      };
    },
    close: async () => undefined,
  };
  return { store, sync, prepareTable };
};
