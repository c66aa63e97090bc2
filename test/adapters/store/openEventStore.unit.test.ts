import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEFAULT_SQLITE_PATH,
  openEventStore,
  parseStoreUrl,
} from '../../../src/adapters/store/openEventStore';
import { getTempFolders } from '../../support/tempFolders';

const folders = getTempFolders('open-store');
afterAll(folders.removeAll);

describe('parseStoreUrl', () => {
  it.each([
    ['memory:', { kind: 'memory' }],
    ['sqlite:', { kind: 'sqlite', path: DEFAULT_SQLITE_PATH }],
    ['sqlite:data/events.db', { kind: 'sqlite', path: 'data/events.db' }],
    ['sqlite:/var/lib/taskledger/events.db', { kind: 'sqlite', path: '/var/lib/taskledger/events.db' }],
    ['sqlite:///var/lib/events.db', { kind: 'sqlite', path: '/var/lib/events.db' }],
    ['./events.db', { kind: 'sqlite', path: './events.db' }],
    ['/tmp/events.db', { kind: 'sqlite', path: '/tmp/events.db' }],
    ['C:\\ledger\\events.db', { kind: 'sqlite', path: 'C:\\ledger\\events.db' }],
    ['postgres://u@db:5432/ledger', { kind: 'postgres', connectionString: 'postgres://u@db:5432/ledger' }],
    ['postgresql://db/ledger', { kind: 'postgres', connectionString: 'postgresql://db/ledger' }],
    [
      'postgres://db/ledger?schema=tenant_a&sslmode=disable',
      { kind: 'postgres', connectionString: 'postgres://db/ledger?sslmode=disable', schema: 'tenant_a' },
    ],
    [
      'esdb://localhost:2113?tls=false',
      { kind: 'eventstoredb', connectionString: 'esdb://localhost:2113?tls=false' },
    ],
    [
      'esdb+discover://cluster:2113',
      { kind: 'eventstoredb', connectionString: 'esdb+discover://cluster:2113' },
    ],
  ])('reads %s', (url, expected) => {
    expect(parseStoreUrl(url)).toEqual(expected);
  });

  it.each([
    '',
    '   ',
    'memory:extra',
    'mysql://db/ledger',
    'esdb:',
    'esdb://',
    'postgres://',
    'postgres:///ledger',
    'redis://x',
  ])('refuses %j as invalid_request at path store', (url) => {
    expect(() => parseStoreUrl(url)).toThrow(
      expect.objectContaining({
        code: 'invalid_request',
        details: expect.objectContaining({ path: 'store' }),
      }),
    );
  });
});

describe('openEventStore', () => {
  it('opens a memory store and a SQLite file, creating its folder', async () => {
    const memory = await openEventStore('memory:');
    await memory.appendToStream('task-1', [{ id: 'e1', type: 'T', data: {}, metadata: {} }], {
      expectedRevision: 'no_stream',
    });
    await memory.close();
    const path = join(folders.make(), 'nested', 'events.db');
    for (const url of [`sqlite:${path}`, path]) {
      const store = await openEventStore(url);
      await store.appendToStream('task-1', [{ id: 'e1', type: 'T', data: {}, metadata: {} }], {
        expectedRevision: 'any',
      });
      await store.close();
    }
  });

  it('reports a PostgreSQL server it cannot reach as store_unavailable', async () => {
    await expect(openEventStore('postgres://postgres@127.0.0.1:1/none')).rejects.toMatchObject({
      code: 'store_unavailable',
    });
  });

  it('reports a SQLite path it cannot open as store_unavailable', async () => {
    const file = join(folders.make(), 'a-file');
    writeFileSync(file, 'not a folder');
    await expect(openEventStore(`sqlite:${join(file, 'events.db')}`)).rejects.toMatchObject({
      code: 'store_unavailable',
    });
    await expect(openEventStore(`sqlite:${file}`)).rejects.toMatchObject({ code: 'store_unavailable' });
  });

  it('reports an EventStoreDB server it cannot reach as store_unavailable', async () => {
    await expect(openEventStore('esdb://127.0.0.1:1?tls=false')).rejects.toMatchObject({
      code: 'store_unavailable',
    });
  });

  it('refuses a malformed EventStoreDB connection string as invalid_request', async () => {
    await expect(openEventStore('esdb://localhost:2113?tls=maybe')).rejects.toMatchObject({
      code: 'invalid_request',
    });
  });
});
