import { join } from 'node:path';
import { createEngine } from '../../src/engine/engine';
import { manualClock } from '../../src/engine/clock';
import { openStorage } from '../../src/adapters/storage/openStorage';
import { INLINE_CHECKPOINT_INTERVAL } from '../../src/projections/inlineProjections';
import { projections } from '../../src/projections/registry';
import { getTempFolders } from '../support/tempFolders';
import { snapshot } from './readModelCases';

const folders = getTempFolders('inline-checkpoint');
afterAll(() => folders.removeAll());

const engineOn = async (path: string) => {
  const storage = await openStorage(`sqlite:${path}`);
  const engine = createEngine({
    store: storage.store,
    readModels: { readModels: storage.readModels, mode: storage.mode },
    clock: manualClock('2026-01-01T00:00:00.000Z'),
    actor: 'alice',
  });
  return { storage, engine };
};

const positions = async (storage: Awaited<ReturnType<typeof openStorage>>) =>
  Promise.all(projections.map(async (p) => (await storage.readModels.checkpoint(p.name))?.position));

describe('inline checkpoints on SQLite', () => {
  it('trail the log by less than the interval, and a restart catches up to the same read models', async () => {
    const path = join(folders.make(), 'events.db');
    const first = await engineOn(path);
    await first.engine.list({}); // prepares the read models: checkpoints at position 0
    const tasks = Number(INLINE_CHECKPOINT_INTERVAL) / 4 + 3;
    for (let i = 0; i < tasks; i++) {
      await first.engine.create({ id: `t${i}`, name: `t${i}`, type: 'training' });
      await first.engine.enqueue({ id: `t${i}` });
      await first.engine.started({ id: `t${i}`, worker: 'w' });
      await first.engine.completed({ id: `t${i}`, worker: 'w' });
    }
    const head = BigInt(tasks * 4);
    // Written once, when the log passed the interval; not on every append.
    for (const position of await positions(first.storage)) {
      expect(position).toBeGreaterThanOrEqual(INLINE_CHECKPOINT_INTERVAL);
      expect(position).toBeLessThan(head);
    }
    const inline = await snapshot(first.storage.readModels);
    await first.engine.close();

    const second = await engineOn(path);
    await second.engine.list({}); // the catch-up re-reads what the checkpoint trails by
    expect(await positions(second.storage)).toEqual(projections.map(() => head));
    expect(await snapshot(second.storage.readModels)).toEqual(inline);
    expect(Object.keys(inline['task_index'] ?? {})).toHaveLength(tasks);
    await second.engine.close();
  });
});
