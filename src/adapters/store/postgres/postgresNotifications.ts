import { Client } from 'pg';

/**
 * Where the notifications stood before a subscription read: how many without a position had
 * arrived, and which LISTEN connection (if any) was up. A wait that starts from a mark needs no
 * query to learn whether it missed an append (see `waitForAppend`).
 */
export type NotificationMark = { readonly unplaced: number; readonly connection: number | undefined };

type Waiter = { readonly after: bigint; readonly wake: () => void };

/** A NOTIFY's payload: the last position its transaction appended, or '' from older writers. */
const positionOf = (payload: string | undefined) =>
  payload !== undefined && /^\d+$/.test(payload) ? BigInt(payload) : undefined;

/**
 * Wakes waiting subscriptions: on a NOTIFY (sent inside each append transaction, so it arrives
 * only once the events are committed), at once after an append in this process, and every
 * `pollIntervalMs` as a fallback for a lost listener connection or a horizon held back by a
 * transaction that sends no NOTIFY. A news that names its last position wakes only the
 * subscriptions that have not read that far: the NOTIFY of an append this process already
 * announced costs them no second read.
 *
 * While an append of this process is on its way (`appending`), a NOTIFY is held back until its
 * flush ends (`release`): the subscriptions read after that commit anyway, and that read sees
 * every commit the NOTIFY could name, so hearing it first would only add a read. Under load,
 * with every process's commits notifying every other, that was most of the reads.
 */
export const getPostgresNotifications = (
  connectionString: string,
  channel: string,
  options: { readonly pollIntervalMs: number; readonly appending?: () => boolean },
) => {
  const { pollIntervalMs, appending = () => false } = options;
  const waiters = new Set<Waiter>();
  let timer: NodeJS.Timeout | undefined;
  let listener: Promise<Client | undefined> | undefined;
  let stopped = false;
  // The highest position announced, how many news came without one, and the LISTEN connection up.
  let announced = 0n;
  let unplaced = 0;
  let connections = 0;
  let listening: number | undefined;

  /** News of an append: its last position, or undefined when unknown (then everyone wakes). */
  const announce = (position: bigint | undefined) => {
    if (position === undefined) unplaced++;
    else if (position > announced) announced = position;
    for (const waiter of [...waiters]) if (position === undefined || position > waiter.after) waiter.wake();
  };
  const wakeAll = () => announce(undefined);

  // News held back while this process appends: the highest position, or null for news without one.
  let heldBack: bigint | null | undefined;

  /** A NOTIFY's news: passed on now, or after this process's append on its way (see `release`). */
  const hear = (position: bigint | undefined) => {
    if (!appending()) return announce(position);
    if (position === undefined || heldBack === null) heldBack = null;
    else if (heldBack === undefined || position > heldBack) heldBack = position;
  };

  /** Passes on the news held back during a flush of this process: called when each flush ends. */
  const release = () => {
    const news = heldBack;
    heldBack = undefined;
    if (news !== undefined) announce(news ?? undefined);
  };

  const listen = async (): Promise<Client | undefined> => {
    const client = new Client({ connectionString });
    const drop = () => {
      listener = undefined;
      listening = undefined;
      client.end().catch(() => undefined);
    };
    client.on('notification', (message) => hear(positionOf(message.payload)));
    client.on('error', drop);
    client.on('end', () => {
      listener = undefined;
      listening = undefined;
    });
    try {
      await client.connect();
      await client.query(`LISTEN "${channel}"`);
      if (stopped) drop();
      else listening = ++connections;
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

  /** Taken before a read: the wait after it compares against this. */
  const mark = (): NotificationMark => ({ unplaced, connection: listening });

  /**
   * Resolves once something may have been appended after `after`. `isNewer` asks the database
   * whether an append came in between the caller's read and this wait; it runs once listening.
   * From a `since` mark taken before that read, with one connection listening all along, the
   * news heard answers instead: every commit after the mark sends a NOTIFY that reaches here.
   */
  const waitForAppend = (
    after: bigint,
    isNewer: () => Promise<boolean>,
    signal: AbortSignal,
    since?: NotificationMark,
  ) =>
    new Promise<void>((resolve) => {
      const waiter: Waiter = {
        after,
        wake: () => {
          waiters.delete(waiter);
          signal.removeEventListener('abort', waiter.wake);
          stopTimerWhenIdle();
          resolve();
        },
      };
      const missed = announced > after || (since !== undefined && since.unplaced !== unplaced);
      if (signal.aborted || stopped || missed) return resolve();
      waiters.add(waiter);
      signal.addEventListener('abort', waiter.wake, { once: true });
      timer ??= setInterval(wakeAll, pollIntervalMs);
      if (since?.connection !== undefined && since.connection === listening) return;
      listener ??= listen();
      listener
        .then(() => isNewer())
        .then((newer) => newer && waiter.wake())
        .catch(waiter.wake);
    });

  const stop = async () => {
    stopped = true;
    wakeAll();
    stopTimerWhenIdle();
    const client = await listener;
    listener = undefined;
    listening = undefined;
    await client?.end().catch(() => undefined);
  };

  /** The highest position any news has named: committed, if not yet final. */
  const heard = () => announced;

  return { mark, waitForAppend, announce, hear, release, wakeAll, heard, stop };
};
