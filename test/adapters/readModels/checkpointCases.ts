import type { Checkpoint, ReadModelStore } from '../../../src/ports/readModelStore';
import { tableOf } from '../../../src/projections/registry';
import { taskIndex } from '../../../src/projections/taskIndex';
import { executions } from '../../../src/projections/executions';
import { REBUILDING, settling } from '../../../src/projections/checkpointVersions';

type Steps = readonly (readonly [name: string, checkpoint: Checkpoint])[][];

/** Each step one transaction: what a batch, a rebuild's start and its end each write. */
const steps: Steps = [
  [
    ['a', { version: 1, position: 10n }],
    ['b', { version: 1, position: 10n }],
    ['c', { version: 1, position: 10n }],
    ['d', { version: 1, position: 10n }],
  ],
  [
    ['a', { version: 1, position: 4n }], // behind: a replayed batch
    ['b', { version: 1, position: 12n }],
    ['c', { version: 2, position: 4n }], // a new version starts over
    ['d', { version: REBUILDING, position: 0n }],
  ],
  [
    ['c', { version: 2, position: 3n }],
    ['d', { version: 1, position: 7n }],
  ],
];

const expected = new Map<string, Checkpoint>([
  ['a', { version: 1, position: 10n }],
  ['b', { version: 1, position: 12n }],
  ['c', { version: 2, position: 4n }],
  ['d', { version: 1, position: 7n }],
]);

/** setCheckpoints on every read-model store: run by the memory, SQLite and PostgreSQL suites. */
export const describeSetCheckpoints = (label: string, open: () => Promise<ReadModelStore>) => {
  describe(`setCheckpoints on ${label}`, () => {
    const read = async (store: ReadModelStore, names: readonly string[]) =>
      new Map(await Promise.all(names.map(async (name) => [name, await store.checkpoint(name)] as const)));

    it('moves the named checkpoints together and leaves the others alone', async () => {
      const store = await open();
      await store.transaction((tx) => tx.setCheckpoint('other', { version: 1, position: 5n }));
      await store.transaction((tx) =>
        tx.setCheckpoints(
          new Map([
            ['x', { version: 1, position: 3n }],
            ['y', { version: 2, position: 9n }],
          ]),
        ),
      );
      expect(await read(store, ['x', 'y', 'other'])).toEqual(
        new Map([
          ['x', { version: 1, position: 3n }],
          ['y', { version: 2, position: 9n }],
          ['other', { version: 1, position: 5n }],
        ]),
      );
      await store.transaction((tx) => tx.setCheckpoints(new Map()));
      expect(await store.checkpoint('x')).toEqual({ version: 1, position: 3n });
    });

    it('within a version never moves a checkpoint back; a new version replaces it', async () => {
      const store = await open();
      for (const step of steps) await store.transaction((tx) => tx.setCheckpoints(new Map(step)));
      expect(await read(store, [...expected.keys()])).toEqual(expected);
    });

    it('advanceCheckpoints moves only checkpoints at the given version, and only forwards, and records absent ones', async () => {
      const store = await open();
      const before = new Map<string, Checkpoint>([
        ['current', { version: 1, position: 10n }],
        ['ahead', { version: 1, position: 50n }],
        ['rebuilding', { version: REBUILDING, position: 0n }],
        ['settling', { version: settling(1), position: 10n }],
        ['older', { version: 2, position: 10n }],
      ]);
      await store.transaction((tx) => tx.setCheckpoints(before));
      await store.transaction((tx) =>
        tx.advanceCheckpoints(
          new Map([...before.keys(), 'absent'].map((name) => [name, { version: 1, position: 20n }])),
        ),
      );
      expect(await read(store, [...before.keys(), 'absent'])).toEqual(
        new Map([
          ['current', { version: 1, position: 20n }],
          ['ahead', { version: 1, position: 50n }],
          ['rebuilding', { version: REBUILDING, position: 0n }],
          ['settling', { version: settling(1), position: 10n }],
          ['older', { version: 2, position: 10n }],
          ['absent', { version: 1, position: 20n }],
        ]),
      );
    });

    it('clear drops the rows of the tables named and leaves their checkpoints at the mark, and touches no other', async () => {
      const store = await open();
      const specs = [tableOf(taskIndex), tableOf(executions)];
      await store.prepare(specs);
      const doc = { id: 'a', name: 'a', status: 'created', type: 'training', tags: [], system_tags: [] };
      await store.transaction(async (tx) => {
        for (const spec of specs) await tx.write(spec, new Map([['a', { doc, revision: 0n }]]));
        await tx.setCheckpoints(new Map(specs.map((spec) => [spec.name, { version: 1, position: 3n }])));
      });
      const mark = { version: -1, position: 0n };
      await store.clear([taskIndex.name, 'never_prepared'], mark);
      expect(await store.get(taskIndex.name, 'a')).toBeUndefined();
      expect(await store.checkpoint(taskIndex.name)).toEqual(mark);
      expect(await store.checkpoint('never_prepared')).toEqual(mark);
      expect(await store.get(executions.name, 'a')).toEqual(doc);
      expect(await store.checkpoint(executions.name)).toEqual({ version: 1, position: 3n });
    });

    it('reads several checkpoints at once, leaving out tables that have none', async () => {
      const store = await open();
      await store.prepare([tableOf(taskIndex)]);
      await store.transaction((tx) =>
        tx.setCheckpoints(
          new Map([
            ['x', { version: 1, position: 7n }],
            ['y', { version: 2, position: 9n }],
          ]),
        ),
      );
      expect(await store.checkpoints(['x', 'y', 'z'])).toEqual(
        new Map([
          ['x', { version: 1, position: 7n }],
          ['y', { version: 2, position: 9n }],
        ]),
      );
    });

    it('ends where setCheckpoint, one table at a time, ends', async () => {
      const store = await open();
      const one = (name: string) => `one_${name}`;
      for (const step of steps) {
        await store.transaction(async (tx) => {
          for (const [name, checkpoint] of step) await tx.setCheckpoint(one(name), checkpoint);
        });
      }
      const names = [...expected.keys()];
      expect([...(await read(store, names.map(one))).values()]).toEqual([...expected.values()]);
    });
  });
};
