import { Client } from 'pg';

/**
 * Wakes waiting subscriptions: on a NOTIFY (sent inside each append transaction, so it arrives
 * only once the events are committed), at once after an append in this process, and every
 * `pollIntervalMs` as a fallback for a lost listener connection or a horizon held back by a
 * transaction that sends no NOTIFY.
 */
export const getPostgresNotifications = (
  connectionString: string,
  channel: string,
  pollIntervalMs: number,
) => {
  const waiters = new Set<() => void>();
  let timer: NodeJS.Timeout | undefined;
  let listener: Promise<Client | undefined> | undefined;
  let stopped = false;

  const wakeAll = () => {
    for (const wake of [...waiters]) wake();
  };

  const listen = async (): Promise<Client | undefined> => {
    const client = new Client({ connectionString });
    const drop = () => {
      listener = undefined;
      client.end().catch(() => undefined);
    };
    client.on('notification', wakeAll);
    client.on('error', drop);
    client.on('end', () => {
      listener = undefined;
    });
    try {
      await client.connect();
      await client.query(`LISTEN "${channel}"`);
      if (stopped) drop();
      return client;
    } catch {
      // Polling carries on; the next wait tries to listen again.
      drop();
      return undefined;
    }
  };

  const stopTimerWhenIdle = () => {
    if (waiters.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };

  /** `isNewer` runs once listening, so an append between the caller's read and this wait is not missed. */
  const waitForAppend = (isNewer: () => Promise<boolean>, signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      const wake = () => {
        waiters.delete(wake);
        signal.removeEventListener('abort', wake);
        stopTimerWhenIdle();
        resolve();
      };
      if (signal.aborted || stopped) return resolve();
      waiters.add(wake);
      signal.addEventListener('abort', wake, { once: true });
      timer ??= setInterval(wakeAll, pollIntervalMs);
      listener ??= listen();
      listener
        .then(() => isNewer())
        .then((newer) => newer && wake())
        .catch(wake);
    });

  const stop = async () => {
    stopped = true;
    wakeAll();
    stopTimerWhenIdle();
    const client = await listener;
    listener = undefined;
    await client?.end().catch(() => undefined);
  };

  return { waitForAppend, wakeAll, stop };
};
