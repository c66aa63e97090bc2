import Database from 'better-sqlite3';
import { getSQLiteReadModels } from '../../../src/adapters/readModels/sqliteReadModels';
import type { TableSpec } from '../../../src/ports/readModelStore';

type Doc = { readonly status: string; readonly name: string };

const spec: TableSpec = {
  name: 'things',
  columns: [
    { name: 'status', type: 'text', indexed: true },
    { name: 'name', type: 'text', indexed: false },
  ],
  indexes: [{ name: 'rm_things_status', columns: ['status'] }],
  values: (doc) => {
    const { status, name } = doc as Doc;
    return { status, name };
  },
};

const open = async () => {
  const db = new Database(':memory:');
  const { store } = getSQLiteReadModels(db);
  await store.prepare([spec]);
  const indexes = () =>
    db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'rm_things' AND sql IS NOT NULL",
      )
      .all();
  const checkpointInterval = () => db.pragma('wal_autocheckpoint', { simple: true });
  return { db, store, indexes, checkpointInterval };
};

describe('an SQLite bulk refill (a rebuild)', () => {
  it('drops the indexes while the rows are written, then builds them over every row', async () => {
    const { db, store, indexes, checkpointInterval } = await open();
    const before = indexes();
    expect(before).toHaveLength(1);
    await store.bulkRefill?.([spec], async () => {
      expect(indexes()).toEqual([]);
      await store.transaction(async (tx) =>
        tx.write(
          spec,
          new Map([
            ['a', { doc: { status: 'queued', name: 'a' }, revision: 0n }],
            ['b', { doc: { status: 'created', name: 'b' }, revision: 0n }],
          ]),
        ),
      );
    });
    expect(indexes()).toEqual(before);
    expect(checkpointInterval()).toBe(1000);
    expect(db.prepare(`SELECT count(*) AS n FROM rm_things WHERE status = 'queued'`).get()).toEqual({ n: 1 });
    const page = await store.query<Doc>('things', {
      where: [{ column: 'status', op: 'eq', value: 'created' }],
      sort: { column: 'status', direction: 'asc' },
      limit: 10,
    });
    expect(page.rows.map((r) => r.key)).toEqual(['b']);
    db.close();
  });

  it('puts the indexes and the checkpoint interval back when the work fails', async () => {
    const { db, store, indexes, checkpointInterval } = await open();
    const before = indexes();
    await expect(
      store.bulkRefill?.([spec], async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(indexes()).toEqual(before);
    expect(checkpointInterval()).toBe(1000);
    db.close();
  });
});
