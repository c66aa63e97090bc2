import type Database from 'better-sqlite3';
import { storeUnavailable } from '../../../ports/storeErrors';
import { fromSQLiteError, isBusy } from './sqliteErrors';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// Short waits: another process's commit holds the lock for about a millisecond, and a longer
// pause leaves the lock idle while we sleep (workers bench: 8 ms max 1,179 tasks/s, 1–2 ms ~1,240).
const MAX_PAUSE_MS = 2;

/**
 * Takes the SQLite write lock for the next group commit, waiting on timers rather than in
 * SQLite's busy handler, which sleeps inside the call and blocks the whole process (workers'
 * handlers, heartbeats, other callers preparing their commands). Appends submitted while it
 * waits join the batch it then commits. Gives up with `store_unavailable` after `timeoutMs`,
 * as the busy timeout would.
 */
export const waitForWriteLock = async (tryBegin: () => boolean, timeoutMs: number): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  for (let pause = 1; !tryBegin(); pause = Math.min(2 * pause, MAX_PAUSE_MS)) {
    if (Date.now() >= deadline)
      throw storeUnavailable('sqlite', `the write lock stayed busy for ${timeoutMs} ms`);
    await sleep(pause);
  }
};

/**
 * Takes the write lock (`begin` runs BEGIN IMMEDIATE) if it is free right now, without SQLite's
 * busy handler: that handler sleeps inside the call, and with it the whole process. Returns
 * false when another connection holds the lock, or while this connection is inside another
 * caller's transaction (it shares the file's connection with the event store's group commit).
 */
export const getTryBegin =
  (db: Database.Database, begin: () => unknown, busyTimeoutMs: number) => (): boolean => {
    if (db.inTransaction) return false;
    // Not a prepared statement: SQLite applies busy_timeout when it compiles the pragma
    // (exec, not db.pragma: a quarter of the cost, and this runs on every flush).
    db.exec('PRAGMA busy_timeout = 0');
    try {
      begin();
      return true;
    } catch (e) {
      if (isBusy(e)) return false;
      throw fromSQLiteError(e);
    } finally {
      db.exec(`PRAGMA busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
    }
  };
