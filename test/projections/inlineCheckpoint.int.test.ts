import { join } from 'node:path';
import { createEngine } from '../../src/engine/engine';
import { manualClock } from '../../src/engine/clock';
import { openStorage } from '../../src/adapters/storage/openStorage';
import { INLINE_CHECKPOINT_INTERVAL } from '../../src/projections/inlineProjections';
import { projections } from '../../src/projections/registry';
import { getTempFolders } from '../support/tempFolders';
import { describeWithPostgres, getTestSchemas } from '../support/postgres';
import { snapshot } from './readModelCases';

const folders = getTempFolders('inline-checkpoint');
const schemas = getTestSchemas('ickp');
afterAll(async () => {
  folders.removeAll();
  await schemas.dropAll();
});

const engineOn = async (url: string) => {
  const storage = await openStorage(url);
  const engine = createEngine({
    store: storage.store,
    readModels: storage,
    clock: manualClock('2026-01-01T00:00:00.000Z'),
    actor: 'alice',
  });
  return { storage, engine };
};

/** Enough tasks (four events each) to take the log past the interval. */
const runTasks = async (engine: Awaited<ReturnType<typeof engineOn>>['engine']) => {
  const tasks = INLINE_CHECKPOINT_INTERVAL / 4 + 3;
  for (let i = 0; i < tasks; i++) {
    await engine.create({ id: `t${i}`, name: `t${i}`, type: 'training' });
    await engine.enqueue({ id: `t${i}` });
    await engine.started({ id: `t${i}`, worker: 'w' });
    await engine.completed({ id: `t${i}`, worker: 'w' });
  }
  return tasks;
};

const positions = async (storage: Awaited<ReturnType<typeof openStorage>>) =>
  Promise.all(projections.map(async (p) => (await storage.readModels.checkpoint(p.name))?.position));

describe('inline checkpoints on SQLite', () => {
  it('trail the log by less than the interval, and a restart catches up to the same read models', async () => {
    const url = `sqlite:${join(folders.make(), 'events.db')}`;
    const first = await engineOn(url);
    await first.engine.list({}); // prepares the read models: checkpoints at position 0
    const tasks = await runTasks(first.engine);
    const head = BigInt(tasks * 4);
    // Written once, when the log passed the interval; not on every append.
    for (const position of await positions(first.storage)) {
      expect(position).toBeGreaterThanOrEqual(BigInt(INLINE_CHECKPOINT_INTERVAL));
      expect(position).toBeLessThan(head);
    }
    const inline = await snapshot(first.storage.readModels);
    await first.engine.close();

    const second = await engineOn(url);
    await second.engine.list({}); // the catch-up re-reads what the checkpoint trails by
    expect(await positions(second.storage)).toEqual(projections.map(() => head));
    expect(await snapshot(second.storage.readModels)).toEqual(inline);
    expect(Object.keys(inline['task_index'] ?? {})).toHaveLength(tasks);
    await second.engine.close();
  });
});

describeWithPostgres('inline checkpoints on PostgreSQL', (url) => {
  it('are moved by the engine after its appends, so a restart re-reads only what followed', async () => {
    const storeUrl = `${url}?schema=${schemas.make()}`;
    const first = await engineOn(storeUrl);
    await first.engine.list({});
    const tasks = await runTasks(first.engine);
    const inline = await snapshot(first.storage.readModels);
    // The appends leave the checkpoints alone; the engine moved them after its 1,000th append,
    // and its close waited for the move in flight.
    await first.engine.close();

    const second = await engineOn(storeUrl);
    const all: bigint[] = [];
    for await (const e of second.storage.store.readAll()) all.push(e.position);
    expect(all).toHaveLength(tasks * 4);
    for (const position of await positions(second.storage)) {
      // What a start re-reads: the few appends after the move, not the whole log.
      const after = all.filter((p) => p > (position ?? 0n)).length;
      expect(after).toBeLessThan(tasks * 4 - INLINE_CHECKPOINT_INTERVAL + 1);
    }
    await second.engine.list({});
    for (const position of await positions(second.storage))
      expect(position).toBeGreaterThanOrEqual(all[all.length - 1] ?? 0n);
    expect(await snapshot(second.storage.readModels)).toEqual(inline);
    expect(Object.keys(inline['task_index'] ?? {})).toHaveLength(tasks);
    await second.engine.close();
  });
});
