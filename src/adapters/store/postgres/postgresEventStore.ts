import { Pool } from 'pg';
import { invalidRequest } from '../../../domain/errors';
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  EventToAppend,
  SubscribeOptions,
  SubscriptionMessage,
} from '../../../ports/eventStore';
import { storeUnavailable } from '../../../ports/storeErrors';
import { getGroupCommit } from '../groupCommit';
import { pollingSubscription } from '../pollingSubscription';
import { getPostgresAppender, type OnPostgresAppended, type PostgresAppend } from './postgresAppend';
import type { PostgresInlineStatement } from './postgresAppendStatement';
import { fromPostgresError } from './postgresErrors';
import { getPostgresNotifications, type NotificationMark } from './postgresNotifications';
import { MAX_EVENTS_PER_TRANSACTION } from './postgresPositions';
import { getPostgresReads } from './postgresReads';
import { checkSchemaName, migratePostgresSchema } from './postgresSchema';

export type PostgreSQLEventStoreOptions = {
  readonly connectionString: string;
  /** A pool to share with read models; the store then leaves it open on close. */
  readonly pool?: Pool;
  /** Where the tables live (default `public`): one schema per tenant or per test file. */
  readonly schema?: string;
  readonly pollIntervalMs?: number;
  /** Runs inside the append's transaction, after its rows: inline projections commit or fail with the events. */
  readonly onAppended?: OnPostgresAppended;
  /**
   * The same writes planned before the events are in, so they ride in the append's one
   * statement (one round trip); `onAppended` still runs whenever a flush has to read first.
   */
  readonly inlineStatement?: PostgresInlineStatement;
};

export interface PostgreSQLEventStore extends EventStore {
  readonly pool: Pool;
  readonly schema: string;
  /** Creates or upgrades the schema now instead of on first use; fails with `store_unavailable`. */
  ensureSchema(): Promise<void>;
}

// With a hook each append of a flush is a subtransaction; past 64 PostgreSQL's per-backend cache
// of them overflows and every snapshot in the cluster gets slower.
const MAX_APPENDS_PER_FLUSH = 50;
// Leaves room for every append of a flush to be retried (MAX_ATTEMPTS) within one transaction's ordinals.
const MAX_EVENTS_PER_FLUSH = Math.floor(MAX_EVENTS_PER_TRANSACTION / 32);

/**
 * PostgreSQL store: atomic appends checked against the stream's revision, idempotent by event
 * id, global positions that readers never see out of order (postgresPositions.ts), and
 * subscriptions woken by LISTEN/NOTIFY. The schema is created on first use.
 */
export const getPostgreSQLEventStore = (options: PostgreSQLEventStoreOptions): PostgreSQLEventStore => {
  const { connectionString, onAppended, inlineStatement, pollIntervalMs = 100 } = options;
  const schema = checkSchemaName(options.schema ?? 'public');
  const ownsPool = options.pool === undefined;
  const pool = options.pool ?? new Pool({ connectionString, max: 10 });
  // An idle connection dropped by the server must not crash the process; the next query reports it.
  if (ownsPool) pool.on('error', () => undefined);
  const channel = `taskledger_${schema}`;
  const closing = new AbortController();

  let base: bigint | undefined;
  let migrating: Promise<bigint> | undefined;
  const ready = async (): Promise<bigint> => {
    // Checked first: a pool passed in stays usable after close, the store does not.
    if (closing.signal.aborted) throw storeUnavailable('postgres', 'the store is closed');
    if (base !== undefined) return base;
    migrating ??= migratePostgresSchema(pool, schema).then(
      (found) => (base = found),
      (e: unknown) => {
        migrating = undefined;
        throw fromPostgresError(e);
      },
    );
    return migrating;
  };

  const reads = getPostgresReads({ pool, schema, ready, closed: closing.signal });
  const notifications = getPostgresNotifications(connectionString, channel, {
    pollIntervalMs,
    appending: () => groupCommit.busy(),
  });
  const appender = getPostgresAppender({
    pool,
    schema,
    channel,
    base: () => base ?? 0n,
    onAppended,
    inlineStatement,
  });
  const groupCommit = getGroupCommit<PostgresAppend, AppendResult>(
    async (batch) => {
      try {
        const outcomes = await appender.appendBatch(batch);
        // Subscriptions here hear of it now, before the NOTIFY comes round.
        const last = outcomes.reduce<bigint | undefined>(
          (max, o) => (o.ok && (max === undefined || o.value.position > max) ? o.value.position : max),
          undefined,
        );
        if (last !== undefined) notifications.announce(last);
        return outcomes;
      } finally {
        notifications.release();
      }
    },
    {
      maxBatchWeight: MAX_EVENTS_PER_FLUSH,
      maxBatchSize: MAX_APPENDS_PER_FLUSH,
      weigh: (append) => Math.max(1, append.events.length),
    },
  );

  const appendToStream = async (
    stream: string,
    events: readonly EventToAppend[],
    { expectedRevision }: AppendOptions,
  ): Promise<AppendResult> => {
    if (events.length > MAX_EVENTS_PER_FLUSH) {
      throw invalidRequest(`an append holds at most ${MAX_EVENTS_PER_FLUSH} events on PostgreSQL`, 'events', {
        count: events.length,
      });
    }
    await ready();
    return groupCommit.submit({ stream, events, expectedRevision });
  };

  const subscribeToAll = (subscribeOptions: SubscribeOptions = {}): AsyncIterable<SubscriptionMessage> => {
    const { signal } = subscribeOptions;
    // Marked before each read (the head comes first), so the wait after it knows what it missed.
    let since: NotificationMark | undefined;
    return pollingSubscription(
      {
        readAll: reads.readFinal,
        headPosition: () => {
          since = notifications.mark();
          return reads.headPosition();
        },
        waitForAppend: (after, stop) =>
          notifications.waitForAppend(after, () => reads.hasFinalAfter(after), stop, since),
        readLive: (options, stop) => {
          since = notifications.mark();
          return reads.readLive(options, notifications.heard, stop);
        },
      },
      {
        ...subscribeOptions,
        signal: signal === undefined ? closing.signal : AbortSignal.any([signal, closing.signal]),
      },
    );
  };

  // Once, however many callers close it at the same time (engines sharing the store).
  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= (async () => {
      await groupCommit.drain();
      closing.abort();
      await notifications.stop();
      if (ownsPool) await pool.end();
    })());

  return {
    appendToStream,
    readStream: reads.readStream,
    readAll: reads.readAll,
    subscribeToAll,
    close,
    pool,
    schema,
    ensureSchema: async () => {
      await ready();
    },
  };
};
