import { storeUnavailable } from '../../../ports/storeErrors';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// Short first waits: another process's commit holds the lock for about a millisecond.
const MAX_PAUSE_MS = 8;

/**
 * Takes the SQLite write lock for the next group commit, waiting on timers rather than in
 * SQLite's busy handler, which sleeps inside the call and blocks the whole process (workers'
 * handlers, heartbeats, other callers preparing their commands). Appends submitted while it
 * waits join the batch it then commits. Gives up with `store_unavailable` after `timeoutMs`,
 * as the busy timeout would.
 */
export const waitForWriteLock = async (tryBegin: () => boolean, timeoutMs: number): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  for (let pause = 1; !tryBegin(); pause = Math.min(2 * pause, MAX_PAUSE_MS)) {
    if (Date.now() >= deadline)
      throw storeUnavailable('sqlite', `the write lock stayed busy for ${timeoutMs} ms`);
    await sleep(pause);
  }
};
