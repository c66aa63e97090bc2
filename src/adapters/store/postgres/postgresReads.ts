import type { Pool } from 'pg';
import type {
  EventFilter,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
} from '../../../ports/eventStore';
import { storeUnavailable } from '../../../ports/storeErrors';
import { getGroupCommit } from '../groupCommit';
import type { LiveRead } from '../pollingSubscription';
import { fromPostgresError } from './postgresErrors';
import { horizonSql } from './postgresPositions';
import { bigintField, EVENT_COLUMNS, toRecordedEvent } from './postgresRows';

const STREAM_BATCH = 500;
// Streams whose first pages one statement reads at most.
const STREAMS_PER_READ = 64;

type StreamPage = { stream: string; from: bigint; to: bigint; limit: number };
const ALL_BATCH = 1000;
const MAX_INT64 = 9223372036854775807n;

const filterSql = (filter: EventFilter | undefined, firstParameter: number) => {
  let next = firstParameter;
  let sql = '';
  const params: unknown[] = [];
  if (filter?.eventTypes !== undefined) {
    sql += ` AND e.type = ANY($${next++}::text[])`;
    params.push(filter.eventTypes);
  }
  if (filter?.streamPrefixes !== undefined) {
    sql += ` AND EXISTS (SELECT 1 FROM unnest($${next++}::text[]) AS p(prefix) WHERE starts_with(e.stream_name, p.prefix))`;
    params.push(filter.streamPrefixes);
  }
  return { sql, params };
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Reads in batches, one query each. Global reads stop below the horizon of final positions
 * (postgresPositions.ts), so no reader ever passes a position that a writer still in flight
 * could fill in behind it.
 */
export const getPostgresReads = (args: {
  pool: Pool;
  schema: string;
  ready: () => Promise<bigint>;
  closed: AbortSignal;
}) => {
  const { pool, schema, ready, closed } = args;
  const events = `"${schema}".events`;

  const query = async (sql: string, params: unknown[]) => {
    try {
      return (await pool.query(sql, params)).rows;
    } catch (e) {
      throw fromPostgresError(e);
    }
  };

  /**
   * The first page of forward stream reads, several streams in one statement: reads begun
   * while one is in flight go together in the next (as appends do in a group commit), so a
   * worker claiming many tasks at once loads them in one round trip rather than one each.
   */
  const firstPages = getGroupCommit<StreamPage, RecordedEvent[]>(
    async (pages) => {
      const rows = await query(
        `SELECT r.page::int AS page, ${EVENT_COLUMNS}
           FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::int[]) WITH ORDINALITY
                AS r(stream_name, from_revision, to_revision, max_count, page)
           CROSS JOIN LATERAL (
             SELECT * FROM ${events} AS e
              WHERE e.stream_name = r.stream_name AND e.revision >= r.from_revision
                AND e.revision <= r.to_revision
              ORDER BY e.revision LIMIT r.max_count
           ) AS e
          ORDER BY r.page, e.revision`,
        [
          pages.map((page) => page.stream),
          pages.map((page) => page.from.toString()),
          pages.map((page) => page.to.toString()),
          pages.map((page) => page.limit),
        ],
      );
      const read = pages.map((): RecordedEvent[] => []);
      for (const row of rows) read[Number(Reflect.get(row, 'page')) - 1]?.push(toRecordedEvent(row));
      return read.map((value) => ({ ok: true, value }));
    },
    { maxBatchWeight: STREAMS_PER_READ, weigh: () => 1 },
  );

  async function* readStream(stream: string, options: ReadStreamOptions = {}): AsyncIterable<RecordedEvent> {
    await ready();
    const { maxCount = Number.MAX_SAFE_INTEGER, direction = 'forwards' } = options;
    const isForwards = direction === 'forwards';
    let from = options.fromRevision ?? (isForwards ? 0n : MAX_INT64);
    const to = options.toRevision ?? (isForwards ? MAX_INT64 : 0n);
    const sql = isForwards
      ? `SELECT ${EVENT_COLUMNS} FROM ${events} AS e WHERE stream_name = $1 AND revision >= $2 AND revision <= $3 ORDER BY e.revision LIMIT $4`
      : `SELECT ${EVENT_COLUMNS} FROM ${events} AS e WHERE stream_name = $1 AND revision <= $2 AND revision >= $3 ORDER BY e.revision DESC LIMIT $4`;
    let left = maxCount;
    for (let page = 0; left > 0; page++) {
      const limit = Math.min(STREAM_BATCH, left);
      const batch =
        page === 0 && isForwards
          ? await firstPages.submit({ stream, from, to, limit })
          : (await query(sql, [stream, from.toString(), to.toString(), limit])).map(toRecordedEvent);
      for (const event of batch) yield event;
      left -= batch.length;
      const last = batch[batch.length - 1];
      if (batch.length < limit || last === undefined || (!isForwards && last.revision === 0n)) return;
      from = isForwards ? last.revision + 1n : last.revision - 1n;
    }
  }

  /** Batches of events at or after `from`, up to `bound` (inclusive) or, without it, below the horizon. */
  async function* readRange(
    options: ReadAllOptions,
    bound: bigint | undefined,
  ): AsyncIterable<RecordedEvent> {
    const base = await ready();
    const { maxCount = Number.MAX_SAFE_INTEGER, batchSize = ALL_BATCH, filter } = options;
    const upTo = bound === undefined ? `e.position < ${horizonSql('$3')}` : 'e.position <= $3::bigint';
    const filtered = filterSql(filter, 4);
    const sql = `SELECT ${EVENT_COLUMNS} FROM ${events} AS e
                 WHERE e.position >= $1 AND ${upTo}${filtered.sql} ORDER BY e.position LIMIT $2`;
    let from = options.fromPosition ?? 0n;
    let left = maxCount;
    while (left > 0) {
      const limit = Math.min(batchSize, left);
      const params = [from.toString(), limit, (bound ?? base).toString(), ...filtered.params];
      const batch = (await query(sql, params)).map(toRecordedEvent);
      for (const event of batch) yield event;
      left -= batch.length;
      const last = batch[batch.length - 1];
      if (batch.length < limit || last === undefined) return;
      from = last.position + 1n;
    }
  }

  /** Whether an event after `after` is final now: what wakes a waiting subscription. */
  const hasFinalAfter = async (after: bigint): Promise<boolean> => {
    const base = await ready();
    const rows = await query(
      `SELECT EXISTS (SELECT 1 FROM ${events} WHERE position > $1 AND position < ${horizonSql('$2')}) AS found`,
      [after.toString(), base.toString()],
    );
    return rows[0]?.found === true;
  };

  /**
   * Waits until every position up to the last one committed when asked is final, which takes
   * as long as the writers then in flight with older transaction ids (normally milliseconds).
   * The target is fixed at the first look: chasing the latest commit could wait forever while
   * writers keep committing. Returns that position (undefined for an empty log) and the horizon.
   */
  const waitUntilCommittedIsFinal = async (): Promise<{ committed: bigint | undefined; horizon: bigint }> => {
    const base = await ready();
    const first = await query(
      `SELECT (SELECT max(position) FROM ${events})::text AS committed, ${horizonSql('$1')}::text AS horizon`,
      [base.toString()],
    );
    const committed = bigintField(first[0], 'committed');
    let horizon = bigintField(first[0], 'horizon') ?? 0n;
    let pause = 1;
    while (committed !== undefined && committed >= horizon) {
      if (closed.aborted) throw storeUnavailable('postgres', 'the store is closed');
      await sleep(pause);
      pause = Math.min(pause * 2, 50);
      horizon =
        bigintField(
          (await query(`SELECT ${horizonSql('$1')}::text AS horizon`, [base.toString()]))[0],
          'horizon',
        ) ?? 0n;
    }
    return { committed, horizon };
  };

  /**
   * For subscriptions: a position they may move to once they have read up to it. Everything
   * committed when asked is below it, so a `caughtUp` after reading up to it means caught up
   * with what was committed, not merely with what was final.
   */
  const headPosition = async (): Promise<bigint> => (await waitUntilCommittedIsFinal()).horizon - 1n;

  /** What a caller has seen committed is in its read (read your writes), up to what was committed at the start. */
  async function* readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    const { committed } = await waitUntilCommittedIsFinal();
    if (committed !== undefined) yield* readRange(options, committed);
  }

  /** For subscriptions: no waiting, only what is final now; they poll for the rest. */
  const readFinal = (options: ReadAllOptions) => readRange(options, undefined);

  /**
   * For live subscriptions: up to `maxCount` final events from `fromPosition` and, from the same
   * snapshot, the horizon they were read below, in one statement (readFinal and a head query
   * would be two round trips). With no event, one row of NULLs still carries the horizon.
   */
  const readFinalBelowHorizon = async (
    options: ReadAllOptions,
  ): Promise<{ events: RecordedEvent[]; horizon: bigint }> => {
    const base = await ready();
    const { fromPosition = 0n, maxCount = ALL_BATCH, filter } = options;
    const filtered = filterSql(filter, 4);
    const rows = await query(
      `WITH h AS (SELECT ${horizonSql('$3')} AS horizon)
       SELECT h.horizon::text AS horizon, ${EVENT_COLUMNS}
       FROM h LEFT JOIN LATERAL (
         SELECT * FROM ${events} AS e
         WHERE e.position >= $1 AND e.position < h.horizon${filtered.sql} ORDER BY e.position LIMIT $2
       ) AS e ON true
       ORDER BY e.position`,
      [fromPosition.toString(), maxCount, base.toString(), ...filtered.params],
    );
    const horizon = bigintField(rows[0], 'horizon');
    if (horizon === undefined) throw storeUnavailable('postgres', 'the horizon query returned no row');
    return {
      events: rows.filter((row) => bigintField(row, 'position') !== undefined).map(toRecordedEvent),
      horizon,
    };
  };

  /**
   * For live subscriptions (see SubscriptionSource.readLive), from one statement. A commit
   * already heard of (`heard`) but not yet final, because a writer with an older transaction id
   * is still in flight, would wake the subscription again at once after every read: look again
   * a little later each time instead, until it is final or something else comes.
   */
  const readLive = async (
    options: ReadAllOptions,
    heard: () => bigint,
    stop: AbortSignal,
  ): Promise<LiveRead> => {
    for (let pause = 1; ; pause = Math.min(pause * 2, 50)) {
      const { events, horizon } = await readFinalBelowHorizon(options);
      const head = horizon - 1n;
      if (events.length > 0 || heard() <= head || stop.aborted) return { events, head };
      if (closed.aborted) throw storeUnavailable('postgres', 'the store is closed');
      await sleep(pause);
    }
  };

  return { readStream, readAll, readFinal, readLive, headPosition, hasFinalAfter };
};
