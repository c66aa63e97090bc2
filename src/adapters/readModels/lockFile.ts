import { link, readFile, rename, unlink, writeFile } from 'node:fs/promises';

const isAlive = (pid: number) => {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: alive, owned by another user.
    return (e as { code?: string }).code === 'EPERM';
  }
};

const holderOf = async (path: string) => Number((await readFile(path, 'utf8').catch(() => '')).trim());

/**
 * Moves a dead holder's lock aside. Another process breaking the same lock may have moved it
 * and taken its own in between: what was moved is then that live lock, and goes back.
 */
const breakStale = async (path: string, aside: string) => {
  try {
    await rename(path, aside);
  } catch {
    return; // already gone
  }
  if (isAlive(await holderOf(aside))) await link(aside, path).catch(() => undefined);
  await unlink(aside).catch(() => undefined);
};

/**
 * Runs `work` while holding the lock file `path`, one holder at a time among the processes of
 * one machine (an SQLite file is only ever shared on one). The file holds the holder's pid and
 * appears whole (written aside, then hard-linked into place); a lock whose holder has died is
 * broken and taken. Waiters look again every `pollMs`.
 */
export const withLockFile = async <T>(path: string, work: () => Promise<T>, pollMs = 50): Promise<T> => {
  const mine = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  await writeFile(mine, String(process.pid));
  try {
    for (;;) {
      try {
        await link(mine, path);
        break;
      } catch (e) {
        if ((e as { code?: string }).code !== 'EEXIST') throw e;
      }
      if (!isAlive(await holderOf(path))) {
        await breakStale(path, `${mine}.stale`);
        continue;
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  } finally {
    await unlink(mine).catch(() => undefined);
  }
  try {
    return await work();
  } finally {
    await unlink(path).catch(() => undefined);
  }
};
