import type { Database } from 'better-sqlite3';

/**
 * Wakes waiting subscriptions: at once after an append in this process, and for appends by
 * other processes when `PRAGMA data_version` changes (it does when another connection commits),
 * checked every `pollIntervalMs` only while someone waits.
 */
export const getSQLiteWaiters = (db: Database, pollIntervalMs: number) => {
  const waiters = new Set<() => void>();
  let timer: NodeJS.Timeout | undefined;
  let seenVersion: unknown;

  const wakeAll = () => {
    for (const wake of [...waiters]) wake();
  };

  const poll = () => {
    if (!db.open) return wakeAll();
    const version: unknown = db.pragma('data_version', { simple: true });
    if (version !== seenVersion) {
      seenVersion = version;
      wakeAll();
    }
  };

  const stopTimerWhenIdle = () => {
    if (waiters.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };

  /** `isNewer` is checked after registering, so an append between the caller's read and this wait is not missed. */
  const waitForAppend = (isNewer: () => boolean, signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      const wake = () => {
        waiters.delete(wake);
        signal.removeEventListener('abort', wake);
        stopTimerWhenIdle();
        resolve();
      };
      if (signal.aborted) return resolve();
      waiters.add(wake);
      signal.addEventListener('abort', wake, { once: true });
      if (timer === undefined) {
        seenVersion = db.pragma('data_version', { simple: true });
        timer = setInterval(poll, pollIntervalMs);
      }
      if (isNewer()) wake();
    });

  const stop = () => {
    wakeAll();
    stopTimerWhenIdle();
  };

  return { waitForAppend, wakeAll, stop };
};
