import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withLockFile } from '../../../src/adapters/readModels/lockFile';
import { getTempFolders } from '../../support/tempFolders';

const folders = getTempFolders('lock-file');
afterAll(folders.removeAll);

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('withLockFile (SQLite rebuilds one at a time)', () => {
  it('runs holders one after another, and leaves no file behind', async () => {
    const folder = folders.make();
    const path = join(folder, 'events.db.rebuild.lock');
    const spans: [string, number][] = [];
    const hold = (name: string) =>
      withLockFile(
        path,
        async () => {
          spans.push([`${name} in`, Date.now()]);
          await pause(30);
          spans.push([`${name} out`, Date.now()]);
        },
        5,
      );
    await Promise.all([hold('a'), hold('b'), hold('c')]);
    const order = spans.map(([event]) => event);
    for (let i = 0; i < order.length; i += 2) expect(order[i + 1]).toBe(order[i]?.replace(' in', ' out'));
    expect(await readdir(folder)).toEqual([]);
  });

  it('takes a lock whose holder has died', async () => {
    const path = join(folders.make(), 'events.db.rebuild.lock');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    });
    await writeFile(path, dead.stdout);
    expect(await withLockFile(path, async () => 'taken', 5)).toBe('taken');
    expect(existsSync(path)).toBe(false);
  });

  it('waits while a live process holds it', async () => {
    const path = join(folders.make(), 'events.db.rebuild.lock');
    // The test runner's parent process: alive for as long as this test runs.
    await writeFile(path, String(process.ppid));
    let taken = false;
    const waiting = withLockFile(path, async () => (taken = true), 5);
    await pause(100);
    expect(taken).toBe(false);
    await unlink(path);
    await waiting;
    expect(taken).toBe(true);
  });
});
