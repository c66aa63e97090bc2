import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { openStorage } from '../../src/adapters/storage/openStorage';
import { openEngine } from '../../src';
import { getTempFolders } from '../support/tempFolders';
import { foldedAfresh, snapshot } from './readModelCases';

const folders = getTempFolders('sqlite-rebuild-load');
afterAll(folders.removeAll);

const runChild = (path: string, name: string, count: number) =>
  new Promise<{ name: string; code: number | null; stderr: string }>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(__dirname, '../support/sqliteEngineChild.ts'), path, name, String(count)],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ name, code, stderr }));
  });

/**
 * The SQLite file shared by processes: three engines run task lifecycles while two others
 * rebuild every projection eight times each. A later start must find the read models a fresh fold
 * of the log gives.
 */
describe('rebuilds while other processes append (SQLite)', () => {
  it('end with the read models a fresh fold of the log gives', async () => {
    const path = join(folders.make(), 'events.db');
    const first = await openEngine({ store: `sqlite:${path}`, actor: 'setup' });
    await first.list({}); // creates the file, its schema and the read models
    await first.close();

    const tasks = 200;
    const exits = await Promise.all([
      ...['w0', 'w1', 'w2'].map((name) => runChild(path, name, tasks)),
      // Two rebuilders, one at a time by the lock file beside the database.
      runChild(path, 'rebuild', 8),
      runChild(path, 'rebuild', 8),
    ]);
    // Compared whole so a failing child's stderr shows in the diff.
    expect(exits).toEqual(exits.map((exit) => ({ ...exit, code: 0 })));

    const later = await openStorage(`sqlite:${path}`);
    const engine = await openEngine({ store: `sqlite:${path}`, actor: 'later' });
    try {
      await engine.list({});
      const folded = await foldedAfresh(later.store);
      expect(Object.keys(folded['task_index'] ?? {})).toHaveLength(3 * tasks);
      expect(await snapshot(later.readModels)).toEqual(folded);
    } finally {
      await engine.close();
      await later.readModels.close();
      await later.store.close();
    }
  }, 120_000);
});
