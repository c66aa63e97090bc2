import Database from 'better-sqlite3';
import { Pool } from 'pg';
import { getSQLiteReadModels } from '../../../src/adapters/readModels/sqliteReadModels';
import { getPostgresReadModels } from '../../../src/adapters/readModels/postgresReadModels';
import { openEngine } from '../../../src';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TableSpec } from '../../../src/ports/readModelStore';
import { buildRowQuery, sqliteDialect } from '../../../src/adapters/readModels/sqlDialect';
import { describeWithPostgres, getTestSchemas } from '../../support/postgres';

type Doc = { readonly status: string; readonly queue: string; readonly at: string };

/** The same table as an earlier version declared it, and as the current one does. */
const tableWith = (indexes: TableSpec['indexes']): TableSpec => {
  const indexed = new Set(indexes.flatMap((index) => index.columns));
  return {
    name: 'things',
    columns: ['status', 'queue', 'at'].map((name) => ({ name, type: 'text', indexed: indexed.has(name) })),
    indexes,
    values: (doc) => {
      const { status, queue, at } = doc as Doc;
      return { status, queue, at };
    },
  };
};
const earlier = tableWith([
  { name: 'rm_things_status', columns: ['status'] },
  { name: 'rm_things_queue', columns: ['queue'] },
]);
const current = tableWith([
  { name: 'rm_things_status_queue_at', columns: ['status', 'queue', 'at'] },
  { name: 'rm_things_queue', columns: ['queue'] },
]);

describe('read-model indexes on SQLite', () => {
  const indexesOf = (db: Database.Database) =>
    db
      .prepare(
        `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'rm_things' AND sql IS NOT NULL ORDER BY name`,
      )
      .all() as { name: string; sql: string }[];

  it('follow the declaration: a compound index on its columns then the key, and an index no longer declared dropped', async () => {
    const db = new Database(':memory:');
    await getSQLiteReadModels(db).store.prepare([earlier]);
    expect(indexesOf(db).map((i) => i.name)).toEqual(['rm_things_queue', 'rm_things_status']);
    await getSQLiteReadModels(db).store.prepare([current]);
    const indexes = indexesOf(db);
    expect(indexes.map((i) => i.name)).toEqual(['rm_things_queue', 'rm_things_status_queue_at']);
    expect(indexes[1]?.sql).toContain('("status", "queue", "at", "key")');
    db.close();
  });

  it('serve the workers’ queue listing (status and queue, oldest first) in index order, without a sort', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'taskledger-indexes-'));
    const path = join(dir, 'store.sqlite');
    try {
      const engine = await openEngine({ store: `sqlite:${path}`, actor: 'test' });
      try {
        for (const id of ['a', 'b', 'c']) {
          await engine.create({ id, name: id, type: 'training' });
          await engine.enqueue({ id, queue: 'gpu' });
        }
        const page = await engine.list({
          status: ['queued'],
          queue: ['gpu'],
          sort_by: 'status_changed asc',
          page_size: 2,
        });
        expect(page.tasks.map((t) => t['id'])).toEqual(['a', 'b']);
      } finally {
        await engine.close();
      }
      const db = new Database(path, { readonly: true });
      const plan = (
        db
          .prepare(
            `EXPLAIN QUERY PLAN SELECT "key" FROM rm_task_index WHERE status IN (?) AND queue IN (?) ORDER BY status_changed, "key" LIMIT 2`,
          )
          .all('queued', 'gpu') as { detail: string }[]
      ).map((row) => row.detail);
      // Its count (list's total_size) reads only that index: deleted tasks need no look at the doc.
      const q = buildRowQuery(sqliteDialect, {
        where: [
          { column: 'status', op: 'in', values: ['queued'] },
          { column: 'queue', op: 'in', values: ['gpu'] },
        ],
        sort: { column: 'status_changed', direction: 'asc' },
        limit: 2,
      });
      const countPlan = (
        db
          .prepare(`EXPLAIN QUERY PLAN SELECT count(*) FROM rm_task_index WHERE ${q.where}`)
          .all(...q.countParams) as { detail: string }[]
      ).map((row) => row.detail);
      db.close();
      expect(plan.join('\n')).toContain(
        'INDEX rm_task_index_status_queue_status_changed (status=? AND queue=?)',
      );
      expect(plan.join('\n')).not.toContain('TEMP B-TREE');
      expect(countPlan.join('\n')).toContain(
        'USING COVERING INDEX rm_task_index_status_queue_status_changed',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const schemas = getTestSchemas('rmidx');
afterAll(schemas.dropAll);

describeWithPostgres('read-model indexes on PostgreSQL', (connectionString) => {
  const pool = new Pool({ connectionString, max: 2 });
  afterAll(() => pool.end());

  it('follow the declaration: a compound index on its columns then the key, and an index no longer declared dropped', async () => {
    const schema = schemas.make();
    await getPostgresReadModels(pool, schema).store.prepare([earlier]);
    await getPostgresReadModels(pool, schema).store.prepare([current]);
    const { rows } = await pool.query<{ indexname: string; indexdef: string }>(
      `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = 'rm_things' ORDER BY indexname`,
      [schema],
    );
    expect(rows.map((r) => r.indexname)).toEqual([
      'rm_things_pkey',
      'rm_things_queue',
      'rm_things_status_queue_at',
    ]);
    expect(rows[2]?.indexdef).toContain('(status, queue, at, key)');
  });
});
