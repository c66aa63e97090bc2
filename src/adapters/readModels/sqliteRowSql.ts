import { identifier, tableName } from './sqlDialect';

/** A value bound to an SQLite statement. */
export type SqlValue = string | number | bigint | null;

/**
 * Inserts a row whole, or replaces an older version of it: `("key", revision, doc, columns…)`.
 * Shared by the row writer and the rebuild's writer thread, so both write rows alike.
 */
export const upsertRowSql = (table: string, columns: readonly string[]) => {
  const name = tableName(table);
  return `INSERT INTO ${name} ("key", revision, doc${columns.map((n) => `, ${identifier(n)}`).join('')})
     VALUES (?, ?, ?${columns.map(() => ', ?').join('')})
     ON CONFLICT ("key") DO UPDATE SET revision = excluded.revision, doc = excluded.doc${columns.map((n) => `, ${identifier(n)} = excluded.${identifier(n)}`).join('')}
     WHERE ${name}.revision < excluded.revision`;
};

/**
 * A checkpoint only moves forwards within one version; a new version (a rebuild's REBUILDING,
 * then its real one) replaces it.
 */
export const SET_CHECKPOINT_SQL = `INSERT INTO rm_checkpoints (name, version, position) VALUES (?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET version = excluded.version,
           position = CASE WHEN rm_checkpoints.version = excluded.version THEN max(rm_checkpoints.position, excluded.position) ELSE excluded.position END`;

/** Leaves a checkpoint at exactly this version and position, whatever it was (a clear's mark). */
export const MARK_CHECKPOINT_SQL = `INSERT INTO rm_checkpoints (name, version, position) VALUES (?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET version = excluded.version, position = excluded.position`;
