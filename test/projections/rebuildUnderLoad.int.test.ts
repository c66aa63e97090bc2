import { createEngine, type Engine } from '../../src/engine/engine';
import { manualClock } from '../../src/engine/clock';
import { openStorage, type Storage } from '../../src/adapters/storage/openStorage';
import { INLINE_CHECKPOINT_INTERVAL } from '../../src/projections/inlineProjections';
import { projections } from '../../src/projections/registry';
import { describeWithPostgres, getTestSchemas } from '../support/postgres';
import type { ReadModelStore } from '../../src/ports/readModelStore';
import { runLifecycles } from '../support/lifecycles';
import { foldedAfresh, snapshot } from './readModelCases';

const schemas = getTestSchemas('rbl');
afterAll(schemas.dropAll);

/** `readModelsOf`: what the engine's runner sees of the read models (the inline writes are the storage's own). */
const engineOn = async (
  url: string,
  readModelsOf: (readModels: ReadModelStore) => ReadModelStore = (r) => r,
): Promise<{ storage: Storage; engine: Engine }> => {
  const storage = await openStorage(url);
  const engine = createEngine({
    store: storage.store,
    readModels: { ...storage, readModels: readModelsOf(storage.readModels) },
    clock: manualClock('2026-01-01T00:00:00.000Z'),
    actor: 'alice',
  });
  return { storage, engine };
};

/** A later engine's start catches up; its read models must be those a fold of the whole log gives. */
const expectALaterStartToFindAFreshFold = async (storeUrl: string, tasks: number) => {
  const later = await engineOn(storeUrl);
  try {
    await later.engine.list({});
    const folded = await foldedAfresh(later.storage.store);
    expect(Object.keys(folded['task_index'] ?? {})).toHaveLength(tasks);
    expect(await snapshot(later.storage.readModels)).toEqual(folded);
    for (const p of projections)
      expect((await later.storage.readModels.checkpoint(p.name))?.version).toBe(p.version);
  } finally {
    await later.engine.close();
  }
};

/**
 * Inline writers in three processes' worth of engines (their own pools), each moving the
 * checkpoints after its own appends, while a fourth rebuilds over and over until they are done.
 * However those interleave, a later start must find read models equal to a fold of the log.
 */
describeWithPostgres('rebuilds while inline writers append and move checkpoints (PostgreSQL)', (url) => {
  it.each([
    ['every projection', undefined],
    ['one projection (last_metrics)', ['last_metrics']],
  ])(
    '%s: ends with the read models a fresh fold of the log gives',
    async (_, names) => {
      const storeUrl = `${url}?schema=${schemas.make()}`;
      const writers = await Promise.all([0, 1, 2].map(() => engineOn(storeUrl)));
      const rebuilder = await engineOn(storeUrl);
      // Each writer appends past the interval, so each moves the checkpoints at least once.
      const tasks = Math.ceil(INLINE_CHECKPOINT_INTERVAL / 8) + 10;
      try {
        await rebuilder.engine.list({});
        let writersDone = false;
        const writing = Promise.all(
          writers.map((w, i) => runLifecycles(w.engine, `w${i}`, tasks, 4)),
        ).finally(() => (writersDone = true));
        let rounds = 0;
        const rebuilding = (async () => {
          while (!writersDone) {
            await rebuilder.engine.rebuild(names);
            rounds++;
          }
        })();
        await Promise.all([writing, rebuilding]);
        expect(rounds).toBeGreaterThanOrEqual(2);
      } finally {
        for (const w of [...writers, rebuilder]) await w.engine.close();
      }

      await expectALaterStartToFindAFreshFold(storeUrl, 3 * tasks);
    },
    120_000,
  );

  it.each([
    ['one rebuilds while the others wait for its lock', true],
    ['without the lock (as on SQLite) they rebuild side by side', false],
  ])(
    'several engines starting at once on an older projection version: %s, and agree',
    async (_, locking) => {
      const storeUrl = `${url}?schema=${schemas.make()}`;
      const writer = await engineOn(storeUrl);
      const starting: { storage: Storage; engine: Engine }[] = [];
      const tasks = 250;
      let clears = 0;
      const counted = (readModels: ReadModelStore): ReadModelStore => ({
        ...readModels,
        clear: async (tables, mark) => {
          clears++;
          await readModels.clear(tables, mark);
        },
        ...(locking ? {} : { exclusively: undefined }),
      });
      try {
        await runLifecycles(writer.engine, 'before', tasks, 4);
        // As if the code had moved every projection to a new version since these rows were written.
        await writer.storage.readModels.transaction((tx) =>
          tx.setCheckpoints(
            new Map(projections.map((p) => [p.name, { version: p.version - 1, position: 0n }])),
          ),
        );
        for (let i = 0; i < 3; i++) starting.push(await engineOn(storeUrl, counted));
        await Promise.all([
          ...starting.map((s) => s.engine.list({})),
          runLifecycles(writer.engine, 'during', tasks, 4),
        ]);
        if (locking) expect(clears).toBe(1);
      } finally {
        for (const w of [writer, ...starting]) await w.engine.close();
      }

      await expectALaterStartToFindAFreshFold(storeUrl, 2 * tasks);
    },
    120_000,
  );
});
