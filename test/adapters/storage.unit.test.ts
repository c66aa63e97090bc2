import { splitProjectionsParam } from '../../src/adapters/storage/openStorage';

describe('the projections parameter of a store URL', () => {
  it.each([
    ['sqlite:a.db?projections=async', 'sqlite:a.db', 'async'],
    ['postgres://h/db?schema=x&projections=inline', 'postgres://h/db?schema=x', 'inline'],
    ['postgres://h/db?projections=async&schema=x', 'postgres://h/db?schema=x', 'async'],
    ['sqlite:a.db', 'sqlite:a.db', undefined],
  ])('%s', (input, url, projections) => {
    expect(splitProjectionsParam(input)).toEqual(projections === undefined ? { url } : { url, projections });
  });
});

describe('the synchronous parameter of an SQLite URL', () => {
  it('is FULL unless NORMAL is asked for', async () => {
    const { splitSynchronousParam } = await import('../../src/adapters/storage/openStorage');
    expect(splitSynchronousParam('sqlite:a.db')).toEqual({ url: 'sqlite:a.db', synchronous: 'full' });
    expect(splitSynchronousParam('sqlite:a.db?synchronous=normal')).toEqual({
      url: 'sqlite:a.db',
      synchronous: 'normal',
    });
  });

  it('reaches the connection', async () => {
    const { openStorage } = await import('../../src/adapters/storage/openStorage');
    const { mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const folder = mkdtempSync(join(tmpdir(), 'taskledger-sync-'));
    for (const [query, expected] of [
      ['', 2],
      ['?synchronous=normal', 1],
    ] as const) {
      const storage = await openStorage(`sqlite:${join(folder, `e${expected}.db`)}${query}`);
      const db = (
        storage.store as unknown as { database: { pragma(p: string, o: { simple: true }): unknown } }
      ).database;
      expect(db.pragma('synchronous', { simple: true })).toBe(expected);
      await storage.store.close();
    }
  });
});
