import { getGroupCommit, type Settled } from '../../../src/adapters/store/groupCommit';

const okAll = (items: readonly number[]): Settled<string>[] =>
  items.map((n) => ({ ok: true, value: `done ${n}` }));

describe('getGroupCommit', () => {
  it('flushes items submitted in the same tick together, and answers each with its own result', async () => {
    const flushes: number[][] = [];
    const group = getGroupCommit<number, string>(
      (items) => {
        flushes.push([...items]);
        return okAll(items);
      },
      { maxBatchWeight: 100, weigh: () => 1 },
    );
    const results = await Promise.all([1, 2, 3].map(group.submit));
    expect(results).toEqual(['done 1', 'done 2', 'done 3']);
    expect(flushes).toEqual([[1, 2, 3]]);
  });

  it('is busy from a submit until its answer, and while it waits for the lock', async () => {
    let release: () => void = () => undefined;
    const group = getGroupCommit<number, string>(okAll, {
      maxBatchWeight: 100,
      weigh: () => 1,
      acquire: () => new Promise<void>((resolve) => (release = resolve)),
    });
    expect(group.busy()).toBe(false);
    const answer = group.submit(1);
    expect(group.busy()).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(group.busy()).toBe(true);
    release();
    await answer;
    await group.drain();
    expect(group.busy()).toBe(false);
  });

  it('takes the batch only once acquire resolves, so items submitted while it waits join it', async () => {
    const flushes: number[][] = [];
    let release: () => void = () => undefined;
    const group = getGroupCommit<number, string>(
      (items) => {
        flushes.push([...items]);
        return okAll(items);
      },
      {
        maxBatchWeight: 100,
        weigh: () => 1,
        acquire: () => new Promise<void>((resolve) => (release = resolve)),
      },
    );
    const first = group.submit(1);
    await new Promise((resolve) => setImmediate(resolve));
    const later = [group.submit(2), group.submit(3)];
    release();
    expect(await Promise.all([first, ...later])).toEqual(['done 1', 'done 2', 'done 3']);
    expect(flushes).toEqual([[1, 2, 3]]);
  });

  it('fails the waiting items when acquire fails, and keeps working after', async () => {
    let attempts = 0;
    const group = getGroupCommit<number, string>(okAll, {
      maxBatchWeight: 100,
      weigh: () => 1,
      acquire: async () => {
        if (attempts++ === 0) throw new Error('lock busy');
      },
    });
    await expect(Promise.all([group.submit(1), group.submit(2)])).rejects.toThrow('lock busy');
    expect(await group.submit(3)).toBe('done 3');
  });

  it('flushes a lone item on its own', async () => {
    const flushes: number[][] = [];
    const group = getGroupCommit<number, string>(
      (items) => {
        flushes.push([...items]);
        return okAll(items);
      },
      { maxBatchWeight: 100, weigh: () => 1 },
    );
    expect(await group.submit(7)).toBe('done 7');
    expect(await group.submit(8)).toBe('done 8');
    expect(flushes).toEqual([[7], [8]]);
  });

  it('rejects only the items whose outcome failed', async () => {
    const group = getGroupCommit<number, string>(
      (items) =>
        items.map((n) =>
          n % 2 === 0 ? { ok: false, error: new Error(`no ${n}`) } : { ok: true, value: `done ${n}` },
        ),
      { maxBatchWeight: 100, weigh: () => 1 },
    );
    const settled = await Promise.allSettled([1, 2, 3].map(group.submit));
    expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message))).toEqual([
      'done 1',
      'no 2',
      'done 3',
    ]);
  });

  it('rejects every item of a flush that throws, and keeps working after', async () => {
    let fail = true;
    const group = getGroupCommit<number, string>(
      (items) => {
        if (fail) throw new Error('disk full');
        return okAll(items);
      },
      { maxBatchWeight: 100, weigh: () => 1 },
    );
    const settled = await Promise.allSettled([1, 2].map(group.submit));
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await group.submit(3)).toBe('done 3');
  });

  it('puts items that arrive during a running flush into the next one, in order', async () => {
    const flushes: number[][] = [];
    let release: () => void = () => undefined;
    const group = getGroupCommit<number, string>(
      async (items) => {
        flushes.push([...items]);
        if (flushes.length === 1) await new Promise<void>((resolve) => (release = resolve));
        return okAll(items);
      },
      { maxBatchWeight: 100, weigh: () => 1 },
    );
    const first = group.submit(1);
    while (flushes.length === 0) await new Promise((resolve) => setImmediate(resolve));
    const later = [2, 3, 4].map(group.submit);
    release();
    await Promise.all([first, ...later]);
    expect(flushes).toEqual([[1], [2, 3, 4]]);
  });

  it('splits by weight and by count, but never leaves a heavy item behind', async () => {
    const flushes: number[][] = [];
    const group = getGroupCommit<number, string>(
      (items) => {
        flushes.push([...items]);
        return okAll(items);
      },
      { maxBatchWeight: 10, maxBatchSize: 3, weigh: (n) => n },
    );
    await Promise.all([4, 4, 4, 25, 1, 1, 1, 1].map(group.submit));
    expect(flushes).toEqual([[4, 4], [4], [25], [1, 1, 1], [1]]);
  });

  it('drains: resolves once everything submitted so far is settled', async () => {
    const settled: number[] = [];
    const group = getGroupCommit<number, string>((items) => okAll(items), {
      maxBatchWeight: 100,
      weigh: () => 1,
    });
    for (const n of [1, 2, 3]) void group.submit(n).then(() => settled.push(n));
    await group.drain();
    await Promise.resolve();
    expect(settled).toEqual([1, 2, 3]);
  });
});
