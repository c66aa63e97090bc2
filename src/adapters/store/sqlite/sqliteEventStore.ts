import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  EventToAppend,
  SubscribeOptions,
  SubscriptionMessage,
} from '../../../ports/eventStore';
import { storeUnavailable } from '../../../ports/storeErrors';
import { getGroupCommit } from '../groupCommit';
import { pollingSubscription } from '../pollingSubscription';
import { getSQLiteAppender, type OnSQLiteAppended, type SQLiteAppend } from './sqliteAppend';
import { fromSQLiteError } from './sqliteErrors';
import { getSQLiteReads } from './sqliteReads';
import { migrateSQLiteSchema } from './sqliteSchema';
import { getSQLiteWaiters } from './sqliteWaiters';
import { waitForWriteLock } from './sqliteWriteLock';

export type SQLiteEventStoreOptions = {
  readonly path: string;
  /** FULL (the default) survives power loss; NORMAL in WAL mode may lose the last commits then, never corrupts. */
  readonly synchronous?: 'full' | 'normal';
  readonly busyTimeoutMs?: number;
  /**
   * How often a waiting subscription checks for appends by other processes, besides whenever the
   * WAL file changes (where the file system reports it).
   */
  readonly pollIntervalMs?: number;
  /** Runs inside the append's transaction, after its rows: inline projections commit or fail with the events. */
  readonly onAppended?: OnSQLiteAppended;
};

export interface SQLiteEventStore extends EventStore {
  /** The open connection, for read models kept in the same file. */
  readonly database: Database.Database;
  readonly path: string;
}

// Large enough to amortise the fsync, small enough that one flush never holds the lock for long.
const MAX_EVENTS_PER_FLUSH = 10_000;

const openDatabase = (path: string, synchronous: 'full' | 'normal', busyTimeoutMs: number) => {
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    // The busy timeout first: switching to WAL needs a lock another process may hold right now.
    db.pragma(`busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
    // Group commit undoes a failing append alone with a savepoint, and a savepoint keeps the
    // pages it changes in a sub-journal: by default a temporary file, created, written and
    // unlinked whenever it outgrows 64 KiB. In memory it costs no system call (bench/LIMITS.md).
    db.pragma('temp_store = MEMORY');
    migrateSQLiteSchema(db);
    return db;
  } catch (e) {
    const mapped = fromSQLiteError(e);
    throw mapped === e ? storeUnavailable('sqlite', e) : mapped;
  }
};

/**
 * The default store: one SQLite file in WAL mode. One writer at a time across processes (the
 * busy timeout queues them), readers never blocked. Appends made concurrently in this process
 * are committed together (group commit), each still checked and answered on its own.
 */
export const getSQLiteEventStore = (options: SQLiteEventStoreOptions): SQLiteEventStore => {
  const { path, synchronous = 'full', busyTimeoutMs = 5000, pollIntervalMs = 25, onAppended } = options;
  const db = openDatabase(path, synchronous, busyTimeoutMs);
  const closing = new AbortController();
  const assertOpen = () => {
    if (closing.signal.aborted) throw storeUnavailable('sqlite', 'the store is closed');
  };
  const reads = getSQLiteReads(db, assertOpen);
  const appender = getSQLiteAppender(db, onAppended, busyTimeoutMs);
  const waiters = getSQLiteWaiters(db, {
    pollIntervalMs,
    walFile: path === ':memory:' ? undefined : `${path}-wal`,
    appending: () => groupCommit.busy(),
  });
  const groupCommit = getGroupCommit<SQLiteAppend, AppendResult>(
    (batch) => {
      let committed = false;
      try {
        const outcomes = appender.appendBatch(batch, true);
        committed = outcomes.some((outcome) => outcome.ok);
        return outcomes;
      } finally {
        // The waiters skipped their quick looks while this flush ran (see sqliteWaiters.ts): its
        // commit wakes them, and a flush that committed nothing looks once instead.
        if (committed) waiters.wakeAll();
        else waiters.look();
      }
    },
    {
      maxBatchWeight: MAX_EVENTS_PER_FLUSH,
      weigh: (append) => Math.max(1, append.events.length),
      acquire: () => waitForWriteLock(appender.tryBegin, busyTimeoutMs),
    },
  );

  const appendToStream = async (
    stream: string,
    events: readonly EventToAppend[],
    { expectedRevision }: AppendOptions,
  ): Promise<AppendResult> => {
    assertOpen();
    return groupCommit.submit({ stream, events, expectedRevision });
  };

  const subscribeToAll = (subscribeOptions: SubscribeOptions = {}): AsyncIterable<SubscriptionMessage> => {
    const { signal } = subscribeOptions;
    return pollingSubscription(
      {
        readAll: reads.readAll,
        headPosition: async () => reads.headPosition(),
        waitForAppend: (after, stop) =>
          waiters.waitForAppend(() => !closing.signal.aborted && reads.headPosition() > after, stop),
      },
      {
        ...subscribeOptions,
        signal: signal === undefined ? closing.signal : AbortSignal.any([signal, closing.signal]),
      },
    );
  };

  const close = async () => {
    if (closing.signal.aborted) return;
    await groupCommit.drain();
    closing.abort();
    waiters.stop();
    db.close();
  };

  return {
    appendToStream,
    readStream: reads.readStream,
    readAll: reads.readAll,
    readAllBatches: reads.readAllBatches,
    subscribeToAll,
    close,
    database: db,
    path,
  };
};
