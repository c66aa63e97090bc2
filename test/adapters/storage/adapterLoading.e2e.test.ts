import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The built package (npm test builds before jest), as a user's process loads it.
const DIST = join(__dirname, '..', '..', '..', 'dist');
const SERVER_CLIENTS = /node_modules[\\/](pg|pg-pool|@eventstore[\\/]db-client|@grpc[\\/]grpc-js)[\\/]/;

/** Runs `script` in a fresh node process and returns the server-client packages it loaded. */
const loadedClients = (script: string): Promise<string[]> =>
  new Promise((resolve, reject) => {
    const probe = `${script}
      .then(() => {
        const names = Object.keys(require.cache).filter((k) => ${SERVER_CLIENTS}.test(k))
          .map((k) => ${SERVER_CLIENTS}.exec(k)[1]);
        process.stdout.write(JSON.stringify([...new Set(names)].sort()));
      })
      .catch((e) => { console.error(e); process.exit(1); });`;
    execFile(process.execPath, ['-e', probe], { timeout: 60_000 }, (error, stdout, stderr) =>
      error === null
        ? resolve(JSON.parse(stdout) as string[])
        : reject(new Error(`${error.message}\n${stderr}`)),
    );
  });

describe('opening the engine loads only the adapter its store URL names', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'taskledger-loading-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('an engine on SQLite, used and closed, never loads pg or the EventStoreDB client', async () => {
    const path = JSON.stringify(join(dir, 'events.db'));
    const loaded = await loadedClients(`
      const { openEngine } = require(${JSON.stringify(DIST)});
      openEngine({ store: 'sqlite:' + ${path}, actor: 'test' }).then(async (engine) => {
        await engine.create({ id: 't1', name: 't1', type: 'training', project: 'p' });
        await engine.list({ page_size: 1 });
        await engine.close();
      })`);
    expect(loaded).toEqual([]);
  });

  it('the memory store loads neither', async () => {
    const loaded = await loadedClients(`
      const { openEngine } = require(${JSON.stringify(DIST)});
      openEngine({ store: 'memory:', actor: 'test' }).then((engine) => engine.close())`);
    expect(loaded).toEqual([]);
  });

  it('the PostgreSQL storage module does load pg (what the check above would see)', async () => {
    const loaded = await loadedClients(`
      Promise.resolve(require(${JSON.stringify(join(DIST, 'adapters', 'storage', 'postgresStorage'))}))`);
    expect(loaded).toEqual(expect.arrayContaining(['pg']));
  });
});
