import { getPostgresNotifications } from '../../../src/adapters/store/postgres/postgresNotifications';

// Nothing listens here: LISTEN fails at once and the waits fall back on `isNewer` and news.
const UNREACHABLE = 'postgres://nobody@127.0.0.1:1/none';

/** A wait, whether it has resolved, and a promise for the moment it asked the database. */
const waitOn = (
  notifications: ReturnType<typeof getPostgresNotifications>,
  after: bigint,
  signal: AbortSignal,
) => {
  let asked: () => void = () => undefined;
  const askedDatabase = new Promise<void>((resolve) => (asked = resolve));
  const state = { woke: false };
  const done = notifications
    .waitForAppend(
      after,
      async () => {
        asked();
        return false;
      },
      signal,
    )
    .then(() => {
      state.woke = true;
    });
  return { state, done, askedDatabase };
};

describe('postgres notifications', () => {
  const stop = new AbortController();
  const notifications = getPostgresNotifications(UNREACHABLE, 'taskledger_test', { pollIntervalMs: 60_000 });
  afterAll(async () => {
    stop.abort();
    await notifications.stop();
  });

  it('wakes a waiting subscription only for news past what it has read', async () => {
    const wait = waitOn(notifications, 10n, stop.signal);
    await wait.askedDatabase;
    notifications.announce(10n);
    await new Promise((resolve) => setImmediate(resolve)); // what a wake would have settled by now
    expect(wait.state.woke).toBe(false);
    notifications.announce(11n);
    await wait.done;
    expect(wait.state.woke).toBe(true);
  });

  it('answers at once a wait that begins behind news already heard', async () => {
    notifications.announce(20n);
    const wait = waitOn(notifications, 15n, stop.signal);
    await wait.done;
    expect(wait.state.woke).toBe(true);
  });

  it('wakes every subscription on news without a position, as older writers send', async () => {
    const wait = waitOn(notifications, 1_000n, stop.signal);
    await wait.askedDatabase;
    notifications.announce(undefined);
    await wait.done;
    expect(wait.state.woke).toBe(true);
  });

  it('answers at once a wait marked before news without a position', async () => {
    const mark = notifications.mark();
    notifications.announce(undefined);
    await notifications.waitForAppend(2_000n, async () => false, stop.signal, mark);
  });

  describe('while an append of this process is on its way', () => {
    let appending = false;
    const held = getPostgresNotifications(UNREACHABLE, 'taskledger_test_held', {
      pollIntervalMs: 60_000,
      appending: () => appending,
    });
    afterAll(() => held.stop());
    afterEach(() => {
      appending = false;
      held.release();
    });

    it('holds a NOTIFY back until the flush ends, then wakes who had not read that far', async () => {
      const behind = waitOn(held, 10n, stop.signal);
      const ahead = waitOn(held, 20n, stop.signal);
      await Promise.all([behind.askedDatabase, ahead.askedDatabase]);
      appending = true;
      held.hear(12n);
      held.hear(15n);
      await new Promise((resolve) => setImmediate(resolve));
      expect(behind.state.woke).toBe(false);
      appending = false;
      held.release();
      await behind.done;
      await new Promise((resolve) => setImmediate(resolve));
      expect(ahead.state.woke).toBe(false);
      held.hear(21n);
      await ahead.done;
    });

    it('passes a NOTIFY on at once when nothing of its own is on its way', async () => {
      const wait = waitOn(held, 30n, stop.signal);
      await wait.askedDatabase;
      held.hear(31n);
      await wait.done;
    });

    it('wakes everyone on release when a held-back NOTIFY named no position', async () => {
      const wait = waitOn(held, 10_000n, stop.signal);
      await wait.askedDatabase;
      appending = true;
      held.hear(40n);
      held.hear(undefined);
      held.release();
      await wait.done;
    });
  });
});
