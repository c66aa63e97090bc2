import { join } from 'node:path';
import Database from 'better-sqlite3';
import { getSQLiteEventStore } from '../../../src/adapters/store/sqlite/sqliteEventStore';
import { getSQLiteWaiters } from '../../../src/adapters/store/sqlite/sqliteWaiters';
import type { SubscriptionMessage } from '../../../src/ports/eventStore';
import { SQLITE_SCHEMA_VERSION } from '../../../src/adapters/store/sqlite/sqliteSchema';
import { anEvent, collect, idsOf, someEvents } from '../../contract/contractSupport';
import { getTempFolders } from '../../support/tempFolders';

const folders = getTempFolders('sqlite');
afterAll(folders.removeAll);

const aPath = () => join(folders.make(), 'deeper', 'events.db');

describe('sqlite store', () => {
  it('creates the folder and the schema once, in WAL mode with synchronous FULL, a busy timeout and temporary data in memory', async () => {
    const path = aPath();
    const first = getSQLiteEventStore({ path });
    await first.close();
    const store = getSQLiteEventStore({ path });
    try {
      expect(store.database.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(store.database.pragma('synchronous', { simple: true })).toBe(2);
      expect(store.database.pragma('busy_timeout', { simple: true })).toBe(5000);
      expect(store.database.pragma('temp_store', { simple: true })).toBe(2);
      expect(store.database.prepare('SELECT version FROM schema_version').all()).toEqual([
        { version: SQLITE_SCHEMA_VERSION },
      ]);
    } finally {
      await store.close();
    }
  });

  it('uses synchronous NORMAL only when asked', async () => {
    const store = getSQLiteEventStore({ path: aPath(), synchronous: 'normal' });
    expect(store.database.pragma('synchronous', { simple: true })).toBe(1);
    await store.close();
  });

  it('refuses a file written by a newer taskledger', async () => {
    const path = aPath();
    await getSQLiteEventStore({ path }).close();
    const db = new Database(path);
    db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(SQLITE_SCHEMA_VERSION + 1);
    db.close();
    expect(() => getSQLiteEventStore({ path })).toThrow(
      expect.objectContaining({ code: 'store_unavailable' }),
    );
  });

  it('opens a file whose schema is current while another process holds the write lock', async () => {
    // Busy writers in other processes can hold the lock nearly all the time, and SQLite's busy
    // handler is not fair: a start that needed the lock failed after the busy timeout under load.
    const path = aPath();
    await getSQLiteEventStore({ path }).close();
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    try {
      const store = getSQLiteEventStore({ path, busyTimeoutMs: 50 });
      try {
        expect(await collect(store.readStream('task-1'))).toEqual([]);
      } finally {
        await store.close();
      }
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
  });

  it('waits for another writer up to the busy timeout, then reports store_unavailable, while reads go on', async () => {
    const path = aPath();
    const store = getSQLiteEventStore({ path, busyTimeoutMs: 50 });
    const other = new Database(path);
    try {
      await store.appendToStream('task-1', [anEvent()], { expectedRevision: 'no_stream' });
      other.exec('BEGIN IMMEDIATE');
      await expect(
        store.appendToStream('task-1', [anEvent()], { expectedRevision: 0n }),
      ).rejects.toMatchObject({
        code: 'store_unavailable',
      });
      expect(await collect(store.readStream('task-1'))).toHaveLength(1);
      other.exec('ROLLBACK');
      await store.appendToStream('task-1', [anEvent()], { expectedRevision: 0n });
    } finally {
      other.close();
      await store.close();
    }
  });

  it('waits for the lock without blocking the process, and commits what arrived meanwhile together', async () => {
    const path = aPath();
    await getSQLiteEventStore({ path }).close();
    const other = new Database(path);
    const count = other.prepare('SELECT count(*) AS n FROM events').pluck();
    // What another connection sees committed while each append runs: 0 each time = one transaction.
    const committedBefore: unknown[] = [];
    const store = getSQLiteEventStore({ path, onAppended: () => void committedBefore.push(count.get()) });
    try {
      other.exec('BEGIN IMMEDIATE');
      const first = store.appendToStream('task-a', [anEvent()], { expectedRevision: 'no_stream' });
      // SQLite's busy handler would sleep inside the call: no timer could fire until it gave up.
      let ticks = 0;
      const timer = setInterval(() => ticks++, 1);
      await new Promise((resolve) => setTimeout(resolve, 40));
      const later = ['task-b', 'task-c'].map((stream) =>
        store.appendToStream(stream, [anEvent()], { expectedRevision: 'no_stream' }),
      );
      await new Promise((resolve) => setTimeout(resolve, 20));
      clearInterval(timer);
      expect(ticks).toBeGreaterThan(5);
      other.exec('COMMIT');
      const results = await Promise.all([first, ...later]);
      expect(results.map((r) => r.nextExpectedRevision)).toEqual([0n, 0n, 0n]);
      expect(committedBefore).toEqual([0, 0, 0]);
      expect(count.get()).toBe(3);
    } finally {
      other.close();
      await store.close();
    }
  });

  it('checks each append of one tick against the appends before it in the same transaction', async () => {
    const store = getSQLiteEventStore({ path: aPath() });
    try {
      const [created, next, stale] = await Promise.allSettled([
        store.appendToStream('task-1', [anEvent()], { expectedRevision: 'no_stream' }),
        store.appendToStream('task-1', someEvents(2), { expectedRevision: 0n }),
        store.appendToStream('task-1', [anEvent()], { expectedRevision: 0n }),
      ]);
      expect(created).toMatchObject({ status: 'fulfilled', value: { nextExpectedRevision: 0n } });
      expect(next).toMatchObject({ status: 'fulfilled', value: { nextExpectedRevision: 2n } });
      expect(stale).toMatchObject({
        status: 'rejected',
        reason: { code: 'conflict', details: { actual: '2' } },
      });
    } finally {
      await store.close();
    }
  });

  describe('onAppended (inline projections)', () => {
    const withProjection = (fail: (streamName: string) => boolean) => {
      const store = getSQLiteEventStore({
        path: aPath(),
        onAppended: (db, events) => {
          db.exec(
            'CREATE TABLE IF NOT EXISTS seen (event_id TEXT PRIMARY KEY, position INTEGER, in_transaction INTEGER)',
          );
          for (const event of events) {
            db.prepare('INSERT INTO seen VALUES (?, ?, ?)').run(
              event.id,
              event.position,
              db.inTransaction ? 1 : 0,
            );
          }
          const first = events[0];
          if (first !== undefined && fail(first.streamName)) throw new Error('projection failed');
        },
      });
      const seen = () =>
        store.database
          .prepare('SELECT event_id, position, in_transaction FROM seen ORDER BY position')
          .safeIntegers(true)
          .all();
      return { store, seen };
    };

    it('runs in the append transaction with the recorded events, and commits with them', async () => {
      const { store, seen } = withProjection(() => false);
      try {
        const events = someEvents(2);
        await store.appendToStream('task-1', events, { expectedRevision: 'no_stream' });
        const stored = await collect(store.readStream('task-1'));
        expect(seen()).toEqual(
          stored.map((e) => ({ event_id: e.id, position: e.position, in_transaction: 1n })),
        );
      } finally {
        await store.close();
      }
    });

    it('rolls back only the append whose projection throws, alone or among concurrent appends', async () => {
      const { store, seen } = withProjection((stream) => stream === 'task-bad');
      try {
        await expect(
          store.appendToStream('task-bad', [anEvent()], { expectedRevision: 'any' }),
        ).rejects.toThrow('projection failed');
        const good = [anEvent(), anEvent()];
        const outcomes = await Promise.allSettled([
          store.appendToStream('task-a', [good[0] ?? anEvent()], { expectedRevision: 'any' }),
          store.appendToStream('task-bad', [anEvent()], { expectedRevision: 'any' }),
          store.appendToStream('task-b', [good[1] ?? anEvent()], { expectedRevision: 'any' }),
        ]);
        expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
        expect(await collect(store.readStream('task-bad'))).toEqual([]);
        expect(idsOf(await collect(store.readAll()))).toEqual(idsOf(good));
        expect(seen().map((row) => (row as { event_id: string }).event_id)).toEqual(idsOf(good));
      } finally {
        await store.close();
      }
    });
  });

  describe('a subscription waiting while another connection appends', () => {
    // A poll this slow never comes within a test: only the quick looks after a wait begins, or
    // the WAL file's change notice after them, can wake the subscription.
    const wokenBy = async (quietMs: number) => {
      const path = aPath();
      const watching = getSQLiteEventStore({ path, pollIntervalMs: 600_000 });
      const writer = getSQLiteEventStore({ path });
      const stop = new AbortController();
      try {
        const subscription = watching.subscribeToAll({ from: 'end', signal: stop.signal });
        const messages = subscription[Symbol.asyncIterator]();
        expect((await messages.next()).value).toMatchObject({ kind: 'caughtUp' });
        const next = messages.next();
        await new Promise((resolve) => setTimeout(resolve, quietMs));
        const event = anEvent();
        await writer.appendToStream('task-woken', [event], { expectedRevision: 'no_stream' });
        const notWoken = new Promise((_, reject) =>
          setTimeout(() => reject(new Error('not woken')), 4_000).unref(),
        );
        const woken = (await Promise.race([next, notWoken])) as IteratorResult<SubscriptionMessage>;
        expect(woken.value).toMatchObject({ kind: 'event', event: { id: event.id } });
      } finally {
        stop.abort();
        await writer.close();
        await watching.close();
      }
    };

    it('is woken by an append right after it began waiting, without waiting for the poll', () => wokenBy(0));

    it('is woken by an append after a quiet spell, by the WAL file changing', () => wokenBy(200));

    it("looks no further while an append of this process is on its way: that append's commit wakes it", async () => {
      const path = aPath();
      await getSQLiteEventStore({ path }).close();
      const db = new Database(path);
      const other = new Database(path);
      other.exec('CREATE TABLE scratch (x)');
      let appending = true;
      const waiters = getSQLiteWaiters(db, {
        pollIntervalMs: 600_000,
        walFile: `${path}-wal`,
        appending: () => appending,
      });
      const stop = new AbortController();
      try {
        let woken = false;
        const waiting = waiters.waitForAppend(() => false, stop.signal).then(() => (woken = true));
        other.prepare('INSERT INTO scratch VALUES (1)').run();
        // Past every quick look and the watcher's first notice: none of them may read meanwhile.
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(woken).toBe(false);
        // A flush of its own that committed nothing looks once instead of waking everyone.
        waiters.look();
        await waiting;
        expect(woken).toBe(true);

        // With nothing of its own on the way, the same commit of another connection wakes it.
        appending = false;
        const again = waiters.waitForAppend(() => false, stop.signal);
        other.prepare('INSERT INTO scratch VALUES (1)').run();
        await again;
      } finally {
        stop.abort();
        waiters.stop();
        other.close();
        db.close();
      }
    });
  });

  it('reports appends and reads on a closed store as store_unavailable', async () => {
    const store = getSQLiteEventStore({ path: aPath() });
    await store.close();
    await expect(
      store.appendToStream('task-1', [anEvent()], { expectedRevision: 'any' }),
    ).rejects.toMatchObject({
      code: 'store_unavailable',
    });
    await expect(collect(store.readAll())).rejects.toMatchObject({ code: 'store_unavailable' });
  });

  it('reports undecodable metadata as corrupt_event at its position', async () => {
    const store = getSQLiteEventStore({ path: aPath() });
    try {
      const { position } = await store.appendToStream('task-1', [anEvent()], {
        expectedRevision: 'no_stream',
      });
      store.database.prepare("UPDATE events SET metadata = '[1, 2]' WHERE position = ?").run(position);
      await expect(collect(store.readStream('task-1'))).rejects.toMatchObject({
        code: 'corrupt_event',
        details: { position: position.toString(), reason: 'metadata is not a JSON object' },
      });
    } finally {
      await store.close();
    }
  });
});
