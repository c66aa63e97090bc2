import type { Pool, PoolClient } from 'pg';
import type { AppendResult, RecordedEvent } from '../../../ports/eventStore';
import type { Settled } from '../groupCommit';
import {
  insertedPlacesOf,
  planAppends,
  plannedRowsJson,
  type PlannedRow,
  type PostgresAppend,
  type StoredPlace,
} from './postgresAppendPlan';
import { getOneStatementAppend, type PostgresInlineStatement } from './postgresAppendStatement';
import { fromPostgresError, isDeadlock, isPostgresUnavailable, isUniqueViolation } from './postgresErrors';
import { transactionPositionSql } from './postgresPositions';
import { bigintField, stringField } from './postgresRows';

export type { PostgresAppend } from './postgresAppendPlan';

/**
 * Runs inside the append transaction, once per flush with the events of every append in it; if
 * it throws, the flush is retried one append at a time so only the append it refuses fails. An
 * error with `retry: true` (what it read moved under it) has that append planned again, as a
 * lost race is.
 */
export type OnPostgresAppended = (client: PoolClient, events: readonly RecordedEvent[]) => Promise<void>;

type Queryable = Pick<PoolClient, 'query'>;

// A unique violation (or a deadlock on the unique index) means a writer in another process got
// there first; a new plan reads what it wrote and answers as idempotent, as a conflict, or
// (expecting `any`) appends after it.
const MAX_ATTEMPTS = 20;
const isRetryAsked = (error: unknown) =>
  typeof error === 'object' && error !== null && Reflect.get(error, 'retry') === true;
const isRaceLost = (error: unknown) => isUniqueViolation(error) || isDeadlock(error) || isRetryAsked(error);

const byStream = (a: PostgresAppend, b: PostgresAppend) =>
  a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : 0;

export const getPostgresAppender = (args: {
  pool: Pool;
  schema: string;
  channel: string;
  base: () => bigint;
  onAppended: OnPostgresAppended | undefined;
  /** Plans `onAppended`'s writes ahead, so they ride in the one-statement append. */
  inlineStatement?: PostgresInlineStatement | undefined;
}) => {
  const { pool, schema, channel, base, onAppended, inlineStatement } = args;
  const events = `"${schema}".events`;
  const lookupSql = `
    SELECT 'last' AS kind, stream_name, max(revision)::text AS revision,
           NULL AS event_id, NULL AS position, NULL AS type
      FROM ${events} WHERE stream_name = ANY($1::text[]) GROUP BY stream_name
    UNION ALL
    SELECT 'used', stream_name, revision::text, event_id, position::text, type
      FROM ${events} WHERE event_id = ANY($2::text[])`;
  const insertSql = `
    INSERT INTO ${events} (position, stream_name, revision, event_id, type, data, metadata)
    SELECT ${transactionPositionSql('$1')} + $2::bigint + (r.value->>'ordinal')::bigint,
           r.value->>'stream', (r.value->>'revision')::bigint,
           r.value->>'id', r.value->>'type', r.value->'data', r.value->'metadata'
      FROM jsonb_array_elements($3::jsonb) AS r(value)
    RETURNING position::text AS position, stream_name, revision::text AS revision`;
  // Without an explicit transaction this one statement inserts and notifies atomically.
  const insertAndNotifySql = `
    WITH inserted AS (${insertSql})
    SELECT inserted.* FROM inserted
      CROSS JOIN (SELECT pg_notify('${channel}', (SELECT max(position) FROM inserted)::text)) AS notified`;
  const headSql = `SELECT coalesce(max(position), 0)::text AS position FROM ${events}`;
  const notifyAndCommit = `SELECT pg_notify('${channel}', ''); COMMIT`;

  const lookup = async (db: Queryable, batch: readonly PostgresAppend[]) => {
    const { rows } = await db.query(lookupSql, [
      [...new Set(batch.map((append) => append.stream))],
      batch.flatMap((append) => append.events.map((event) => event.id)),
    ]);
    const lastRevisions = new Map<string, bigint>();
    const used = new Map<string, StoredPlace>();
    for (const row of rows) {
      const streamName = stringField(row, 'stream_name');
      const revision = bigintField(row, 'revision');
      if (streamName === undefined || revision === undefined) continue;
      if (stringField(row, 'kind') === 'last') {
        lastRevisions.set(streamName, revision);
        continue;
      }
      const id = stringField(row, 'event_id');
      const position = bigintField(row, 'position');
      const type = stringField(row, 'type');
      if (id !== undefined && position !== undefined && type !== undefined) {
        used.set(id, { streamName, revision, position, type });
      }
    }
    return { lastRevisions, used };
  };

  const insert = async (db: Queryable, sql: string, rows: readonly PlannedRow[], ordinalOffset: bigint) => {
    if (rows.length === 0) return new Map<string, bigint>();
    const result = await db.query(sql, [base().toString(), ordinalOffset.toString(), plannedRowsJson(rows)]);
    return insertedPlacesOf(result.rows);
  };

  const headOf = async (db: Queryable) => bigintField((await db.query(headSql)).rows[0], 'position') ?? 0n;

  const appendInOneStatement = getOneStatementAppend({
    pool,
    schema,
    channel,
    base,
    // With a hook, a flush goes in one statement only with its writes planned ahead.
    inline: onAppended === undefined ? 'none' : (inlineStatement ?? 'unplanned'),
  });

  /**
   * Without a hook: one lookup for the whole flush, the decisions in JS, then every accepted
   * row and the NOTIFY in one statement. Two round trips however many appends; a lost race
   * plans again from a fresh lookup.
   */
  const appendPlanned = async (batch: readonly PostgresAppend[]): Promise<Settled<AppendResult>[]> => {
    for (let tries = 1; ; tries++) {
      const plan = planAppends(batch, await lookup(pool, batch));
      try {
        const inserted = await insert(pool, insertAndNotifySql, plan.rows, 0n);
        const head = plan.needsHead ? await headOf(pool) : 0n;
        return plan.settle(inserted, () => head);
      } catch (error) {
        if (!isRaceLost(error) || tries >= MAX_ATTEMPTS) throw error;
      }
    }
  };

  const recordedOf = (rows: readonly PlannedRow[], positions: ReadonlyMap<string, bigint>): RecordedEvent[] =>
    rows.flatMap(({ stream, revision, event }) => {
      const position = positions.get(`${revision}\u0000${stream}`);
      return position === undefined ? [] : [{ ...event, streamName: stream, revision, position }];
    });

  const commit = async (client: PoolClient) => {
    // COMMIT in a transaction that has failed rolls back without an error; only the tag tells.
    const results: unknown = await client.query(notifyAndCommit);
    const tags = (Array.isArray(results) ? results : [results]).map((r: unknown) =>
      typeof r === 'object' && r !== null ? Reflect.get(r, 'command') : undefined,
    );
    if (tags[tags.length - 1] !== 'COMMIT') {
      throw new Error(`postgres: the append transaction ended with ${String(tags.at(-1))}, not COMMIT`);
    }
  };

  /**
   * Runs `work` on a pooled client; on any failure rolls back and throws. A connection that
   * failed mid-transaction is not returned to the pool for reuse.
   */
  const withClient = async <T>(work: (client: PoolClient) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      return await work(client);
    } catch (e) {
      if (e instanceof Error) broken = e;
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release(broken);
    }
  };

  /**
   * With a hook, the common case: the whole flush planned at once (one lookup, one insert), the
   * hook called once with every event of the flush, one commit. Six round trips however many
   * appends; any failure falls back to one savepoint per append, which isolates the culprit.
   */
  const appendPlannedWithHook = async (
    batch: readonly PostgresAppend[],
    hook: OnPostgresAppended,
  ): Promise<Settled<AppendResult>[]> =>
    withClient(async (client) => {
      await client.query('BEGIN');
      const plan = planAppends(batch, await lookup(client, batch));
      const inserted = await insert(client, insertSql, plan.rows, 0n);
      const head = plan.needsHead ? await headOf(client) : 0n;
      const outcomes = plan.settle(inserted, () => head);
      if (plan.rows.length === 0) {
        await client.query('ROLLBACK');
        return outcomes;
      }
      await hook(client, recordedOf(plan.rows, inserted));
      await commit(client);
      return outcomes;
    });

  /** One append inside the open savepoint, with the hook; planned again after a lost race. */
  const appendInSavepoint = async (
    client: PoolClient,
    append: PostgresAppend,
    takeOrdinals: (count: number) => bigint,
  ): Promise<Settled<AppendResult>> => {
    for (let tries = 1; ; tries++) {
      try {
        const plan = planAppends([append], await lookup(client, [append]));
        const inserted = await insert(client, insertSql, plan.rows, takeOrdinals(plan.rows.length));
        const head = plan.needsHead ? await headOf(client) : 0n;
        const [outcome] = plan.settle(inserted, () => head);
        if (outcome === undefined) throw new Error('postgres: an append was planned without an outcome');
        if (outcome.ok && onAppended !== undefined && plan.rows.length > 0) {
          await onAppended(client, recordedOf(plan.rows, inserted));
        }
        return outcome;
      } catch (error) {
        await client.query('ROLLBACK TO SAVEPOINT append');
        if (!isRaceLost(error) || tries >= MAX_ATTEMPTS)
          return { ok: false, error: fromPostgresError(error) };
      }
    }
  };

  /**
   * With a hook (or to isolate an append the planned statement could not take): one transaction,
   * each append in its own savepoint so a failing one is undone alone.
   */
  const appendInTransaction = (batch: readonly PostgresAppend[]): Promise<Settled<AppendResult>[]> => {
    let ordinals = 0n;
    const takeOrdinals = (count: number) => {
      const offset = ordinals;
      ordinals += BigInt(count);
      return offset;
    };
    return withClient(async (client) => {
      await client.query('BEGIN; SAVEPOINT append');
      const outcomes: Settled<AppendResult>[] = [];
      for (const append of batch) {
        if (outcomes.length > 0) await client.query('RELEASE SAVEPOINT append; SAVEPOINT append');
        outcomes.push(await appendInSavepoint(client, append, takeOrdinals));
      }
      if (!outcomes.some((o) => o.ok)) {
        await client.query('ROLLBACK');
        return outcomes;
      }
      await commit(client);
      return outcomes;
    });
  };

  /** The paths that look the streams up first: conflicts, retries and lost races answer here. */
  const appendReadingFirst = async (batch: readonly PostgresAppend[]): Promise<Settled<AppendResult>[]> => {
    if (onAppended !== undefined) {
      try {
        return await appendPlannedWithHook(batch, onAppended);
      } catch (error) {
        if (isPostgresUnavailable(error)) throw error;
        return appendInTransaction(batch);
      }
    }
    try {
      return await appendPlanned(batch);
    } catch (error) {
      // A statement refused for one append's sake must not fail the others: take them one by one.
      if (batch.length === 1 || isPostgresUnavailable(error)) throw error;
      return appendInTransaction(batch);
    }
  };

  /**
   * A group-commit flush. Appends go in stream-name order (stable, so one stream's appends keep
   * theirs): every writer meets the unique index in the same order, which keeps batches of
   * different processes from deadlocking on it. Answers come back in the callers' order.
   */
  const appendBatch = async (batch: readonly PostgresAppend[]): Promise<Settled<AppendResult>[]> => {
    const order = batch
      .map((append, index) => ({ append, index }))
      .sort((a, b) => byStream(a.append, b.append));
    const ordered = order.map(({ append }) => append);
    let outcomes: Settled<AppendResult>[];
    try {
      outcomes = (await appendInOneStatement(ordered)) ?? (await appendReadingFirst(ordered));
    } catch (error) {
      throw fromPostgresError(error);
    }
    const answers: Settled<AppendResult>[] = new Array(batch.length);
    order.forEach(({ index }, i) => {
      const outcome = outcomes[i];
      answers[index] = outcome ?? { ok: false, error: new Error('postgres: an append got no answer') };
    });
    return answers;
  };

  return { appendBatch };
};
