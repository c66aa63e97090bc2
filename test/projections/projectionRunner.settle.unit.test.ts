import type { Engine } from '../../src/engine/engine';
import { memoryStorage, type Storage } from '../../src/adapters/storage/openStorage';
import { getProjectionRunner } from '../../src/projections/projectionRunner';
import { headPosition } from '../../src/ports/eventStore';
import { REBUILDING, settling } from '../../src/projections/checkpointVersions';
import { INLINE_CHECKPOINT_INTERVAL } from '../../src/projections/inlineProjections';
import { projections } from '../../src/projections/registry';
import { taskIndex } from '../../src/projections/taskIndex';
import { lastMetrics } from '../../src/projections/lastMetrics';
import type { Checkpoint, ReadModelStore } from '../../src/ports/readModelStore';
import fc from 'fast-check';
import { commandOn } from '../support/commandArbitrary';
import { foldedAfresh, snapshot } from './readModelCases';
import { inlineEngineOn } from '../support/engine';

/** Two tasks through an engine with inline read models (memory). */
const history = async () => {
  const storage = memoryStorage();
  const engine = inlineEngineOn(storage);
  for (const id of ['a', 'b']) await engine.create({ id, name: id, type: 'training' });
  await engine.enqueue({ id: 'a', queue: 'gpu' });
  return { storage, engine };
};

const checkpointsOf = async (readModels: ReadModelStore) =>
  Promise.all(projections.map((p) => readModels.checkpoint(p.name)));

/**
 * The read models of `storage`, with hooks: `afterRefill` runs once the rebuild's refill has
 * read the log (the checkpoints still REBUILDING), `afterRefillEnds` once the transaction that
 * ends it (the checkpoints' next move) has committed; `failAfterRefill` makes every later
 * transaction that moves checkpoints fail (the rebuild's last pass: the process is gone).
 */
const hookedReadModels = (
  storage: Storage,
  hooks: {
    afterRefill?: () => Promise<void>;
    afterRefillEnds?: () => Promise<void>;
    failAfterRefill?: boolean;
  },
) => {
  const inner = storage.readModels;
  let refilled = false;
  let ended = false;
  let cleared = 0;
  const store: ReadModelStore = {
    ...inner,
    clear: async (tables, mark) => {
      cleared++;
      await inner.clear(tables, mark);
    },
    bulkRefill: async (tables, work) => {
      const result = await (inner.bulkRefill?.(tables, work) ?? work());
      await hooks.afterRefill?.();
      refilled = true;
      return result;
    },
    transaction: async (work, options) => {
      const failing = hooks.failAfterRefill === true && ended;
      const result = await inner.transaction(
        (tx) =>
          work({
            ...tx,
            setCheckpoints: async (checkpoints: ReadonlyMap<string, Checkpoint>) => {
              if (failing) throw new Error('the connection was lost');
              await tx.setCheckpoints(checkpoints);
            },
          }),
        options,
      );
      if (refilled && !ended) {
        ended = true;
        await hooks.afterRefillEnds?.();
      }
      return result;
    },
  };
  return { store, cleared: () => cleared };
};

/** What another engine's `advance` does: every checkpoint still current moves to the head. */
const moveCheckpointsToHead = async (storage: Storage) => {
  const head = await headPosition(storage.store);
  await storage.readModels.transaction((tx) =>
    tx.advanceCheckpoints(new Map(projections.map((p) => [p.name, { version: p.version, position: head }]))),
  );
};

/** Appended while the checkpoints say REBUILDING: the inline writer leaves these alone. */
const appendWhileRebuilding = (engine: Engine) => async () => {
  await engine.started({ id: 'a' });
  await engine.create({ id: 'c', name: 'c', type: 'training' });
};

describe('projection runner, the start of a rebuild (the clear)', () => {
  it('never leaves its tables empty and unmarked: they are REBUILDING the moment their rows are gone', async () => {
    // Unmarked and empty, they look new: an engine starting then would fold them as current
    // while the rebuild refills them (a PostgreSQL stress run lost rows of four tasks so).
    const { storage, engine } = await history();
    const inner = storage.readModels;
    const seen: Map<string, Checkpoint>[] = [];
    const readModels: ReadModelStore = {
      ...inner,
      clear: async (tables, mark) => {
        await inner.clear(tables, mark);
        seen.push(await inner.checkpoints(tables));
      },
    };
    await getProjectionRunner({ store: storage.store, readModels }).rebuild();
    expect(seen).toEqual([new Map(projections.map((p) => [p.name, { version: REBUILDING, position: 0n }]))]);
    expect(await snapshot(inner)).toEqual(await foldedAfresh(storage.store));
    await engine.close();
  });
});

describe('projection runner, the end of a rebuild (settling)', () => {
  it('folds what inline writers skipped while it refilled, though a checkpoint mover runs as it settles', async () => {
    const { storage, engine } = await history();
    const readModels = hookedReadModels(storage, {
      afterRefill: appendWhileRebuilding(engine),
      afterRefillEnds: () => moveCheckpointsToHead(storage),
    });
    const runner = getProjectionRunner({ store: storage.store, readModels: readModels.store, inline: true });

    await runner.rebuild();

    expect(await snapshot(storage.readModels)).toEqual(await foldedAfresh(storage.store));
    expect(await engine.get('c')).toMatchObject({ id: 'c' });
    expect(await engine.get('a')).toMatchObject({ status: 'in_progress' });
    const head = await headPosition(storage.store);
    expect(await checkpointsOf(storage.readModels)).toEqual(
      projections.map((p) => ({ version: p.version, position: head })),
    );
    await engine.close();
  });

  it('of one projection: an event folded while it settles does not step over one skipped before it', async () => {
    const { storage, engine } = await history();
    const metric = (iteration: number) => ({
      id: 'a',
      metrics: [{ metric: 'loss', variant: 'v', iteration, value: iteration }],
    });
    await engine.reportMetrics(metric(1));
    const readModels = hookedReadModels(storage, {
      // Skipped by the inline writer: last_metrics says REBUILDING.
      afterRefill: async () => {
        await engine.reportMetrics(metric(2));
      },
      // Folded inline (settling) before the rebuild's last pass has reached the skipped one.
      afterRefillEnds: async () => {
        await engine.reportMetrics(metric(3));
      },
    });
    const runner = getProjectionRunner({ store: storage.store, readModels: readModels.store, inline: true });

    await runner.rebuild(projections.filter((p) => p.name === lastMetrics.name));

    expect(await engine.lastMetrics('a')).toMatchObject({ metrics: { loss: { v: { count: 3 } } } });
    expect(await snapshot(storage.readModels)).toEqual(await foldedAfresh(storage.store));
    await engine.close();
  });

  it('a rebuild stopped while settling is settled by the next start, though a mover ran meanwhile', async () => {
    const { storage, engine } = await history();
    const failing = hookedReadModels(storage, {
      afterRefill: appendWhileRebuilding(engine),
      // Another engine moves the checkpoints it may move; then this rebuild's process is gone.
      afterRefillEnds: () => moveCheckpointsToHead(storage),
      failAfterRefill: true,
    });
    const stopped = getProjectionRunner({ store: storage.store, readModels: failing.store, inline: true });
    await expect(stopped.rebuild()).rejects.toThrow('the connection was lost');
    for (const [i, checkpoint] of (await checkpointsOf(storage.readModels)).entries())
      expect(checkpoint?.version).toBe(settling(projections[i]?.version ?? 0));
    expect(await storage.readModels.get(taskIndex.name, 'c')).toBeUndefined();

    const next = hookedReadModels(storage, {});
    await getProjectionRunner({ store: storage.store, readModels: next.store, inline: true }).prepare();

    expect(next.cleared()).toBe(0);
    expect(await snapshot(storage.readModels)).toEqual(await foldedAfresh(storage.store));
    const head = await headPosition(storage.store);
    expect(await checkpointsOf(storage.readModels)).toEqual(
      projections.map((p) => ({ version: p.version, position: head })),
    );
    await engine.close();
  });
});

describe('inline writers and a settling checkpoint', () => {
  it('fold into its rows but never move it, however far the log grows', async () => {
    const { storage, engine } = await history();
    await engine.list();
    const at = await headPosition(storage.store);
    await storage.readModels.transaction((tx) =>
      tx.setCheckpoints(
        new Map(projections.map((p) => [p.name, { version: settling(p.version), position: at }])),
      ),
    );
    const tasks = Number(INLINE_CHECKPOINT_INTERVAL) + 1;
    for (let i = 0; i < tasks; i++) await engine.create({ id: `t${i}`, name: `t${i}`, type: 'training' });

    expect(await storage.readModels.get(taskIndex.name, `t${tasks - 1}`)).toMatchObject({
      id: `t${tasks - 1}`,
    });
    expect(await snapshot(storage.readModels)).toEqual(await foldedAfresh(storage.store));
    expect(await checkpointsOf(storage.readModels)).toEqual(
      projections.map((p) => ({ version: settling(p.version), position: at })),
    );
    await engine.close();
  });

  it('leave a REBUILDING checkpoint and its rows alone', async () => {
    const { storage, engine } = await history();
    await engine.list();
    await storage.readModels.transaction((tx) =>
      tx.setCheckpoints(new Map([[taskIndex.name, { version: REBUILDING, position: 0n }]])),
    );
    await engine.create({ id: 'c', name: 'c', type: 'training' });
    expect(await storage.readModels.get(taskIndex.name, 'c')).toBeUndefined();
    await engine.close();
  });
});

describe('a rebuild among inline writers and checkpoint moves, for random histories (property)', () => {
  type Step = { type: string; data: Record<string, unknown> };
  const commands = fc.array(commandOn(['a', 'b', 'c']), { maxLength: 8 }) as fc.Arbitrary<Step[]>;
  const run = (engine: Engine, steps: readonly Step[]) => async () => {
    for (const { type, data } of steps)
      await engine.execute(type, data).catch((e: { code?: string }) => {
        if (e.code === undefined) throw e;
      });
  };

  it('ends with the read models a fresh fold gives, whatever is appended before, during the refill and while it settles', async () => {
    await fc.assert(
      fc.asyncProperty(
        commands,
        commands,
        commands,
        commands,
        fc.subarray(
          projections.map((p) => p.name),
          { minLength: 1 },
        ),
        async (before, duringRefill, whileSettling, after, names) => {
          const storage = memoryStorage();
          const engine = inlineEngineOn(storage);
          await run(engine, before)();
          const readModels = hookedReadModels(storage, {
            afterRefill: run(engine, duringRefill),
            afterRefillEnds: async () => {
              await run(engine, whileSettling)();
              await moveCheckpointsToHead(storage);
            },
          });
          const runner = getProjectionRunner({
            store: storage.store,
            readModels: readModels.store,
            inline: true,
          });
          await runner.rebuild(projections.filter((p) => names.includes(p.name)));
          await run(engine, after)();
          expect(await snapshot(storage.readModels)).toEqual(await foldedAfresh(storage.store));
          await engine.close();
        },
      ),
      { numRuns: 150 },
    );
  });
});
