import { storeUnavailable } from '../../../ports/storeErrors';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// Short waits: another process's commit holds the lock for about a millisecond, and a longer
// pause leaves the lock idle while we sleep (workers bench: 8 ms max 1,179 tasks/s, 1–2 ms ~1,240).
const MAX_PAUSE_MS = 2;

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
