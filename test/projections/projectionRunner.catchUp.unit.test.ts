import { memoryStorage, type Storage } from '../../src/adapters/storage/openStorage';
import { REBUILDING } from '../../src/projections/checkpointVersions';
import { getProjectionRunner } from '../../src/projections/projectionRunner';
import { headPosition } from '../../src/ports/eventStore';
import { projections, tableOf } from '../../src/projections/registry';
import { executions } from '../../src/projections/executions';
import type { ReadModelStore } from '../../src/ports/readModelStore';
import { snapshot } from './readModelCases';
import { inlineEngineOn } from '../support/engine';

/** Read models that record the keys of every row load and the tables of every write. */
const recordingReadModels = (inner: ReadModelStore) => {
  const loadedKeys: string[][] = [];
  const written: string[] = [];
  const store: ReadModelStore = {
    ...inner,
    transaction: (work, options) =>
      inner.transaction(
        (tx) =>
          work({
            ...tx,
            loadMany: (tables, keys) => {
              loadedKeys.push([...keys]);
              return tx.loadMany(tables, keys);
            },
            writeMany: (writes) => {
              written.push(...writes.map((w) => w.table.name));
              return tx.writeMany(writes);
            },
          }),
        options,
      ),
  };
  return { store, loadedKeys, written };
};

/**
 * Three tasks through an engine with inline read models, then every checkpoint back at 0.
 * `lagging`: the executions row of task b as it was before b started.
 */
const historyBehindItsCheckpoints = async () => {
  const storage = memoryStorage();
  const engine = inlineEngineOn(storage);
  for (const id of ['a', 'b', 'c']) await engine.create({ id, name: id, type: 'training' });
  await engine.enqueue({ id: 'a', queue: 'gpu' });
  await engine.started({ id: 'a' });
  await engine.reportMetrics({
    id: 'a',
    metrics: [{ metric: 'loss', variant: 'v', iteration: 1, value: 0.5 }],
  });
  await engine.completed({ id: 'a' });
  await engine.enqueue({ id: 'b', queue: 'gpu' });
  const lagging = await storage.readModels.transaction((tx) => tx.load(executions.name, ['b']));
  await engine.started({ id: 'b' });
  await engine.reportProgress({ id: 'b', percentage: 10 });
  await engine.list();
  const before = await snapshot(storage.readModels);
  await storage.readModels.transaction(async (tx) => {
    for (const p of projections) await tx.setCheckpoint(p.name, { version: p.version, position: 0n });
  });
  return { storage, engine, before, lagging };
};

describe('projection runner, catch-up at start behind inline writers', () => {
  it('skips the events already in their rows without loading or writing a row, and moves the checkpoints', async () => {
    const { storage, engine, before } = await historyBehindItsCheckpoints();
    const readModels = recordingReadModels(storage.readModels);
    const runner = getProjectionRunner({ store: storage.store, readModels: readModels.store, inline: true });

    await runner.prepare();

    expect(readModels.loadedKeys).toEqual([]);
    expect(readModels.written).toEqual([]);
    expect(await snapshot(storage.readModels)).toEqual(before);
    const head = await headPosition(storage.store);
    expect(head).toBeGreaterThan(0n);
    for (const p of projections)
      expect(await storage.readModels.checkpoint(p.name)).toEqual({ version: p.version, position: head });
    await engine.close();
  });

  it('loads and folds only the rows that lack events (one task behind in one table)', async () => {
    const { storage, engine, before, lagging } = await historyBehindItsCheckpoints();
    await storage.readModels.transaction(async (tx) => {
      const current = await tx.load(executions.name, ['a', 'c']);
      // Its rows only: the checkpoint stays where it was.
      await storage.readModels.clear([executions.name], { version: executions.version, position: 0n });
      await tx.write(tableOf(executions), new Map([...current, ...lagging]));
    });
    expect(await snapshot(storage.readModels)).not.toEqual(before);
    const readModels = recordingReadModels(storage.readModels);
    const runner = getProjectionRunner({ store: storage.store, readModels: readModels.store, inline: true });

    await runner.prepare();

    expect(await snapshot(storage.readModels)).toEqual(before);
    expect(readModels.loadedKeys).toEqual([['b']]);
    expect(readModels.written).toEqual([executions.name]);
    await engine.close();
  });

  it('opens no transaction when every checkpoint is current and nothing follows it', async () => {
    const { storage, engine } = await historyBehindItsCheckpoints();
    await getProjectionRunner({
      store: storage.store,
      readModels: storage.readModels,
      inline: true,
    }).prepare();
    let transactions = 0;
    const counting: ReadModelStore = {
      ...storage.readModels,
      transaction: (work, options) => {
        transactions++;
        return storage.readModels.transaction(work, options);
      },
    };

    // A start with nothing to fold needs no write (on SQLite: no write lock, which busy writers
    // in other processes may hold).
    await getProjectionRunner({ store: storage.store, readModels: counting, inline: true }).prepare();

    expect(transactions).toBe(0);
    await engine.close();
  });

  it('in async mode loads every row the batch names, as a follower that is behind needs to', async () => {
    const { storage, engine } = await historyBehindItsCheckpoints();
    const readModels = recordingReadModels(storage.readModels);
    const runner = getProjectionRunner({ store: storage.store, readModels: readModels.store });

    await runner.prepare();

    expect(readModels.loadedKeys.flat().sort()).toEqual(['a', 'b', 'c']);
    await engine.close();
  });
});

describe('projection runner, a catch-up that a rebuild overtakes', () => {
  const marks = new Map(projections.map((p) => [p.name, { version: REBUILDING, position: 0n }]));
  /** A rebuild in another engine clears and marks every table: once, `when` the hook fires. */
  const clearOnce = (storage: Storage) => {
    let done = false;
    return async () => {
      if (done) return;
      done = true;
      await storage.readModels.clear([...marks.keys()], { version: REBUILDING, position: 0n });
    };
  };

  it('leaves the marks of a rebuild that cleared the tables while it was folding', async () => {
    // Recorded as current over REBUILDING, the checkpoints would say rows the rebuild has not
    // refilled are complete; a rebuild that then stopped would leave them missing for good.
    const { storage, engine } = await historyBehindItsCheckpoints();
    const clear = clearOnce(storage);
    const readModels: ReadModelStore = {
      ...storage.readModels,
      transaction: async (work, options) => {
        await clear();
        return storage.readModels.transaction(work, options);
      },
    };

    const { events } = await getProjectionRunner({
      store: storage.store,
      readModels,
      inline: true,
    }).catchUp();

    expect(events).toBeGreaterThan(0);
    expect(await storage.readModels.checkpoints([...marks.keys()])).toEqual(marks);
    await engine.close();
  });

  it('with nothing to fold, leaves the marks of a rebuild that cleared the tables after it read them', async () => {
    // An empty log and no checkpoints yet: two engines start on a new database, one rebuilds.
    const storage = memoryStorage();
    const clear = clearOnce(storage);
    const readModels: ReadModelStore = {
      ...storage.readModels,
      checkpoints: async (tables) => {
        const found = await storage.readModels.checkpoints(tables);
        await clear();
        return found;
      },
    };

    const { events } = await getProjectionRunner({ store: storage.store, readModels }).catchUp();

    expect(events).toBe(0);
    expect(await storage.readModels.checkpoints([...marks.keys()])).toEqual(marks);
  });

  it('still records the checkpoints of tables that have none', async () => {
    const storage = memoryStorage();
    const engine = inlineEngineOn(storage);
    await engine.create({ id: 'a', name: 'a', type: 'training' });
    const fresh = memoryStorage();

    await getProjectionRunner({ store: storage.store, readModels: fresh.readModels }).catchUp();

    const head = await headPosition(storage.store);
    expect(await fresh.readModels.checkpoints(projections.map((p) => p.name))).toEqual(
      new Map(projections.map((p) => [p.name, { version: p.version, position: head }])),
    );
    expect(await snapshot(fresh.readModels)).toEqual(await snapshot(storage.readModels));
    await engine.close();
  });
});
