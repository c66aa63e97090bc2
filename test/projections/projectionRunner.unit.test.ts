import { getProjectionRunner } from '../../src/projections/projectionRunner';
import { getMemoryReadModels } from '../../src/adapters/readModels/memoryReadModels';
import type { ReadModelStore, TransactionOptions } from '../../src/ports/readModelStore';
import { taskIndex } from '../../src/projections/taskIndex';
import { testEngine } from '../support/engine';

/** Memory read models that remember the options of every transaction. */
const countingReadModels = () => {
  const inner = getMemoryReadModels();
  const transactions: (TransactionOptions | undefined)[] = [];
  const store: ReadModelStore = {
    ...inner,
    transaction: (work, options) => {
      transactions.push(options);
      return inner.transaction(work, options);
    },
  };
  return { store, transactions };
};

const HOUR_MS = 60 * 60_000;

const newTask = (n: number) => ({ id: `t${n}`, name: `task ${n}`, type: 'training' as const, project: 'p' });

describe('projection runner, async mode (follow)', () => {
  it('lets a trickle of appends gather and folds them in one non-durable transaction once a reader waits', async () => {
    const { engine, store } = testEngine();
    const readModels = countingReadModels();
    // Gathering would outlast the test: only the waiting reader can end it.
    const runner = getProjectionRunner({ store, readModels: readModels.store, lingerMs: HOUR_MS });
    await runner.prepare();
    const following = new AbortController();
    const followed = runner.follow(following.signal);
    try {
      const first = await engine.create(newTask(0));
      await runner.waitFor(first.position);
      readModels.transactions.length = 0;

      let last = first;
      for (let n = 1; n <= 5; n++) {
        last = await engine.create(newTask(n));
        // Time for a follower that did not gather to read and apply this append on its own.
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await runner.waitFor(last.position);

      expect(readModels.transactions).toEqual([{ durable: false }]);
      for (let n = 1; n <= 5; n++)
        expect(await readModels.store.get(taskIndex.name, `t${n}`)).toMatchObject({ id: `t${n}` });
    } finally {
      following.abort();
      await followed;
      await engine.close();
    }
  });

  it('applies on its own once the gathering time has passed, with no reader waiting', async () => {
    const { engine, store } = testEngine();
    const readModels = countingReadModels();
    const runner = getProjectionRunner({ store, readModels: readModels.store, lingerMs: 5 });
    await runner.prepare();
    const following = new AbortController();
    const followed = runner.follow(following.signal);
    try {
      const created = await engine.create(newTask(1));
      // No waitFor: look at the checkpoint until the follower has moved it (jest's timeout bounds it).
      for (;;) {
        const checkpoint = await readModels.store.checkpoint(taskIndex.name);
        if ((checkpoint?.position ?? 0n) >= created.position) break;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(await readModels.store.get(taskIndex.name, 't1')).toMatchObject({ id: 't1' });
      expect(readModels.transactions.at(-1)).toEqual({ durable: false });
    } finally {
      following.abort();
      await followed;
      await engine.close();
    }
  });
});
