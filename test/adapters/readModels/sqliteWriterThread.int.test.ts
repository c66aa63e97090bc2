import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { openStorage, type Storage } from '../../../src/adapters/storage/openStorage';
import { createEngine } from '../../../src/engine/engine';
import { manualClock } from '../../../src/engine/clock';
import { getProjectionRunner } from '../../../src/projections/projectionRunner';
import { REBUILDING } from '../../../src/projections/checkpointVersions';
import { getTempFolders } from '../../support/tempFolders';
import { commandOn } from '../../support/commandArbitrary';
import { snapshot } from '../../projections/readModelCases';

const folders = getTempFolders('writer-thread');
afterAll(() => folders.removeAll());

/**
 * A file-backed SQLite store whose log holds varied histories of eight tasks (parents, retries,
 * metrics, deletions, refused commands left out), with inline read models to compare against.
 */
const storeWithLog = async () => {
  const path = join(folders.make(), 'events.db');
  const storage = await openStorage(`sqlite:${path}`);
  const clock = manualClock('2026-01-01T00:00:00.000Z');
  const engine = createEngine({
    store: storage.store,
    readModels: storage,
    clock,
    actor: 'alice',
  });
  const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
  for (const [i, id] of ids.entries())
    await engine.create({ id, name: id, type: 'training', ...(i % 3 === 2 ? { parent: 'a' } : {}) });
  const steps = fc.sample(fc.tuple(commandOn(ids), fc.nat(700_000)), { numRuns: 400, seed: 7 });
  for (const [{ type, data }, pause] of steps) {
    clock.advance(pause);
    await engine.execute(type, data).catch((e: { code?: string }) => {
      if (e.code === undefined) throw e;
    });
  }
  await engine.list();
  return { path, storage, engine };
};

/** Small batches: many commits in flight, and tasks whose events straddle them. */
const rebuildOf = (storage: Storage) =>
  getProjectionRunner({ store: storage.store, readModels: storage.readModels, batchSize: 7 }).rebuild();

describe('an SQLite rebuild committed by a writer thread', () => {
  it('gives the same read models as inline projection, batch after batch', async () => {
    const { storage, engine } = await storeWithLog();
    try {
      const inline = await snapshot(storage.readModels);
      await rebuildOf(storage);
      expect(await snapshot(storage.readModels)).toEqual(inline);
      const checkpoint = await storage.readModels.checkpoint('task_index');
      expect(checkpoint?.version).not.toBe(REBUILDING);
    } finally {
      await engine.close();
    }
  });

  it("rejects when a commit fails in the thread, leaving that batch's rows and checkpoint out together", async () => {
    const { path, storage, engine } = await storeWithLog();
    const other = new Database(path);
    try {
      const firstOfF = other
        .prepare(`SELECT min(position) AS p FROM events WHERE stream_name = 'task-f'`)
        .get() as { p: number };
      other.exec(
        `CREATE TRIGGER refuse_f BEFORE INSERT ON rm_task_index WHEN NEW."key" = 'f' BEGIN SELECT RAISE(ABORT, 'no f'); END`,
      );
      await expect(rebuildOf(storage)).rejects.toThrow('read-model writer thread: no f');
      const checkpoint = await storage.readModels.checkpoint('task_index');
      expect(checkpoint?.version).toBe(REBUILDING);
      expect(Number(checkpoint?.position)).toBeLessThan(firstOfF.p);
      // Every row committed belongs to a task with events up to the checkpoint, and each such task has one.
      const tasks = other
        .prepare(
          `SELECT DISTINCT substr(stream_name, 6) AS id FROM events WHERE position <= ? AND stream_name LIKE 'task-%' ORDER BY id`,
        )
        .all(Number(checkpoint?.position)) as { id: string }[];
      const rows = other.prepare(`SELECT "key" AS id FROM rm_task_index ORDER BY "key"`).all() as {
        id: string;
      }[];
      expect(rows).toEqual(tasks);
      // The thread has let go of the file: the next rebuild, without the trigger, completes.
      other.exec('DROP TRIGGER refuse_f');
      await rebuildOf(storage);
      expect(other.prepare(`SELECT count(*) AS n FROM rm_task_index WHERE "key" = 'f'`).get()).toEqual({
        n: 1,
      });
    } finally {
      other.close();
      await engine.close();
    }
  });

  it('rejects an undecodable event with its position, and ends the thread', async () => {
    const { path, storage, engine } = await storeWithLog();
    const other = new Database(path);
    try {
      const { lastInsertRowid } = other
        .prepare(
          `INSERT INTO events (stream_name, revision, event_id, type, data, metadata) VALUES ('task-zz', 0, 'bad-1', 'created', '{not json', '{}')`,
        )
        .run();
      await expect(rebuildOf(storage)).rejects.toMatchObject({
        code: 'corrupt_event',
        message: expect.stringContaining(`position ${lastInsertRowid}`),
      });
      // Every batch before it landed; the file is free for the next writer.
      other.prepare(`DELETE FROM events WHERE event_id = 'bad-1'`).run();
      await rebuildOf(storage);
    } finally {
      other.close();
      await engine.close();
    }
  });
});
