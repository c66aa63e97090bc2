import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pg } from './pg';
import { POSTGRES_URL } from './services';

/** A fresh store for one run, and how to throw it away. */
export type TempStore = { readonly url: string; readonly cleanup: () => Promise<void> };

/** A new SQLite file in its own folder under the OS temp dir (WAL and SHM files go beside it). */
export const tempSQLiteFile = (label: string) => {
  const dir = mkdtempSync(join(tmpdir(), `taskledger-bench-${label}-`));
  const path = join(dir, 'events.db');
  return {
    dir,
    path,
    url: `sqlite:${path}`,
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
};

let schemas = 0;

/** A schema name no other run uses: short (the store caps it at 48 characters), lower case. */
export const freshSchemaName = (label: string) =>
  `bench_${label.replace(/[^a-z0-9]/g, '')}_${process.pid}_${Date.now() % 1e6}_${++schemas}`.slice(0, 48);

export const dropSchema = async (schema: string) => {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
};

/** A fresh PostgreSQL schema on the bench server, named in the taskledger store URL. */
export const tempPostgresSchema = (label: string) => {
  const schema = freshSchemaName(label);
  const url = new URL(POSTGRES_URL);
  url.searchParams.set('schema', schema);
  return { schema, url: url.toString(), cleanup: () => dropSchema(schema) };
};

/** The same, for clients that take a plain connection string: the schema goes in search_path. */
export const postgresUrlWithSearchPath = (schema: string) => {
  const url = new URL(POSTGRES_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
};
