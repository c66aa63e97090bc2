import { getMemoryReadModels } from '../../src/adapters/readModels/memoryReadModels';
import { InlineTargetsMoved, projectInline } from '../../src/projections/inlineProjections';
import { projections } from '../../src/projections/registry';
import { taskIndex } from '../../src/projections/taskIndex';
import type { RecordedEvent } from '../../src/ports/eventStore';
import type { ReadModelTransaction } from '../../src/ports/readModelStore';
import { testEngine } from '../support/engine';

/** The events of one created task, as the store recorded them. */
const createdTask = async () => {
  const { engine, store } = testEngine();
  await engine.create({ id: 'a', name: 'a', type: 'training' });
  const events: RecordedEvent[] = [];
  for await (const e of store.readAll()) events.push(e);
  await engine.close();
  return events;
};

describe('projectInline (stores whose transactions are asynchronous)', () => {
  it('throws InlineTargetsMoved, asking for a retry, when a table it folded was cleared meanwhile', async () => {
    const events = await createdTask();
    const readModels = getMemoryReadModels();
    await readModels.transaction((tx) =>
      tx.setCheckpoints(new Map(projections.map((p) => [p.name, { version: p.version, position: 0n }]))),
    );
    const noMissing = async () => [];
    let reads = 0;
    const attempt = readModels.transaction((tx) => {
      // A rebuild's clear commits between the checkpoints read and the rows read.
      const racing: ReadModelTransaction = {
        ...tx,
        checkpoints: async (tables) => {
          const found = await tx.checkpoints(tables);
          if (reads++ > 0) found.delete(taskIndex.name);
          return found;
        },
      };
      return projectInline(racing, events, noMissing);
    });
    const error: unknown = await attempt.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InlineTargetsMoved);
    expect(error).toMatchObject({ retry: true, projections: [taskIndex.name] });
    // Rolled back with the append.
    expect(await readModels.get(taskIndex.name, 'a')).toBeUndefined();

    // Nothing moved: the same fold commits.
    await readModels.transaction((tx) => projectInline(tx, events, noMissing));
    expect(await readModels.get(taskIndex.name, 'a')).toMatchObject({ id: 'a' });
  });
});
