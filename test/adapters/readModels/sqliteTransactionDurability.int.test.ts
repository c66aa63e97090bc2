import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getSQLiteReadModels } from '../../../src/adapters/readModels/sqliteReadModels';
import type { TableSpec } from '../../../src/ports/readModelStore';

const spec: TableSpec = { name: 'things', columns: [], indexes: [], values: () => ({}) };

describe('SQLite read-model transactions that need not be durable (catch-up and rebuild batches)', () => {
  let dir: string;
  let db: Database.Database;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'taskledger-durability-'));
    db = new Database(join(dir, 'events.db'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const level = () => db.pragma('synchronous', { simple: true });

  it('commit their rows and checkpoint, and leave the connection at its own level', async () => {
    const { store } = getSQLiteReadModels(db);
    await store.prepare([spec]);
    let inside: unknown;
    await store.transaction(
      async (tx) => {
        inside = level();
        await tx.write(spec, new Map([['a', { doc: { n: 1 }, revision: 0n }]]));
        await tx.setCheckpoint('things', { version: 1, position: 7n });
      },
      { durable: false },
    );
    expect(inside).toBe(1); // NORMAL
    expect(level()).toBe(2); // FULL again, for the appends that follow
    expect(await store.get('things', 'a')).toEqual({ n: 1 });
    expect(await store.checkpoint('things')).toEqual({ version: 1, position: 7n });
  });

  it('leave the connection at its own level when the work fails, and commit nothing', async () => {
    const { store } = getSQLiteReadModels(db);
    await store.prepare([spec]);
    await expect(
      store.transaction(
        async (tx) => {
          await tx.write(spec, new Map([['a', { doc: { n: 1 }, revision: 0n }]]));
          throw new Error('boom');
        },
        { durable: false },
      ),
    ).rejects.toThrow('boom');
    expect(level()).toBe(2);
    expect(await store.get('things', 'a')).toBeUndefined();
  });

  it('are durable unless asked otherwise', async () => {
    const { store } = getSQLiteReadModels(db);
    await store.prepare([spec]);
    let inside: unknown;
    await store.transaction(async () => {
      inside = level();
    });
    expect(inside).toBe(2);
  });
});
