import type { Database } from 'better-sqlite3';
import { storeUnavailable } from '../../../ports/storeErrors';

/** Append-only list: a released version is never edited, only followed by a new one. */
const MIGRATIONS: readonly { readonly version: number; readonly sql: string }[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE events (
        position    INTEGER PRIMARY KEY AUTOINCREMENT,
        stream_name TEXT    NOT NULL,
        revision    INTEGER NOT NULL,
        event_id    TEXT    NOT NULL UNIQUE,
        type        TEXT    NOT NULL,
        data        TEXT    NOT NULL,
        metadata    TEXT    NOT NULL,
        recorded_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        UNIQUE (stream_name, revision)
      );`,
  },
];

export const SQLITE_SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings the file to the current schema. Safe to run from several processes at once: the
 * check and the changes happen under one write lock (BEGIN IMMEDIATE), so exactly one applies each step.
 */
const storedVersion = (db: Database): number => {
  const row: unknown = db.prepare('SELECT coalesce(max(version), 0) AS version FROM schema_version').get();
  return typeof row === 'object' && row !== null && 'version' in row ? Number(row.version) : 0;
};

export const migrateSQLiteSchema = (db: Database) => {
  db.exec(
    `CREATE TABLE IF NOT EXISTS schema_version (
       version    INTEGER PRIMARY KEY,
       applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
     )`,
  );
  // Most starts find the schema current: they read it without the write lock, which busy
  // writers in other processes may hold nearly all the time (SQLite's busy handler is not fair,
  // and a start waiting for it could time out).
  if (storedVersion(db) === SQLITE_SCHEMA_VERSION) return;
  db.exec('BEGIN IMMEDIATE');
  try {
    const current = storedVersion(db);
    if (current > SQLITE_SCHEMA_VERSION) {
      throw storeUnavailable(
        'sqlite',
        `the file has schema version ${current}, newer than this taskledger (${SQLITE_SCHEMA_VERSION})`,
      );
    }
    for (const migration of MIGRATIONS) {
      if (migration.version <= current) continue;
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(migration.version);
    }
    db.exec('COMMIT');
  } catch (e) {
    db.exec('ROLLBACK');
    throw e;
  }
};
