import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getSQLiteReadModels } from '../../../src/adapters/readModels/sqliteReadModels';
import type { ReadModelStore, ReadModelTransaction, TableSpec } from '../../../src/ports/readModelStore';

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

  /** Read models on `db` (busy timeout `busyTimeoutMs`) while another connection holds the write lock. */
  const whileAnotherHoldsTheLock = async (
    busyTimeoutMs: number,
    work: (store: ReadModelStore, other: Database.Database) => Promise<void>,
  ) => {
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    const { store } = getSQLiteReadModels(db);
    await store.prepare([spec]);
    const other = new Database(db.name);
    try {
      other.exec('BEGIN IMMEDIATE');
      await work(store, other);
    } finally {
      if (other.inTransaction) other.exec('ROLLBACK');
      other.close();
    }
  };
  const writeA = (tx: ReadModelTransaction) =>
    tx.write(spec, new Map([['a', { doc: { n: 1 }, revision: 0n }]]));

  it("wait for another connection's write lock on timers, at the connection's own level meanwhile", () =>
    whileAnotherHoldsTheLock(5000, async (store, other) => {
      const committing = store.transaction(writeA, { durable: false });
      // SQLite's busy handler would sleep inside the call: no timer could fire while it waited.
      const levels: unknown[] = [];
      for (let i = 0; i < 5; i++) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        levels.push(level());
      }
      expect(levels).toEqual([2, 2, 2, 2, 2]); // FULL: anything else committing meanwhile is durable
      expect(await store.get('things', 'a')).toBeUndefined();
      other.exec('COMMIT');
      await committing;
      expect(await store.get('things', 'a')).toEqual({ n: 1 });
      expect(level()).toBe(2);
    }));

  it('report store_unavailable when the lock stays busy past the busy timeout, and commit nothing', () =>
    whileAnotherHoldsTheLock(50, async (store, other) => {
      await expect(store.transaction(writeA)).rejects.toMatchObject({ code: 'store_unavailable' });
      other.exec('ROLLBACK');
      expect(await store.get('things', 'a')).toBeUndefined();
      expect(level()).toBe(2);
    }));

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
