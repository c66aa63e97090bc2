import type { Pool, PoolClient } from 'pg';
import type { AppendResult, EventToAppend, RecordedEvent } from '../../../ports/eventStore';
import { assertExpectedRevision, type ExpectedRevision } from '../../../ports/expectedRevision';
import { eventIdConflict } from '../../../ports/storeErrors';
import type { Settled } from '../groupCommit';
import { idempotentResult } from '../idempotentAppend';
import { fromPostgresError, isDeadlock, isUniqueViolation } from './postgresErrors';
import { transactionPositionSql } from './postgresPositions';
import { bigintField, stringField } from './postgresRows';

export type PostgresAppend = {
  readonly stream: string;
  readonly events: readonly EventToAppend[];
  readonly expectedRevision: ExpectedRevision;
};

export type OnPostgresAppended = (client: PoolClient, events: readonly RecordedEvent[]) => Promise<void>;

type StoredPlace = { streamName: string; revision: bigint; position: bigint; type: string };

// A unique violation means a concurrent writer got there first; the retry reads what it wrote
// and then answers as idempotent, as a conflict, or (expecting `any`) appends after it.
const MAX_ATTEMPTS = 20;

export const getPostgresAppender = (args: {
  pool: Pool;
  schema: string;
  channel: string;
  base: () => bigint;
  onAppended: OnPostgresAppended | undefined;
}) => {
  const { pool, schema, channel, base, onAppended } = args;
  const events = `"${schema}".events`;
  const lookupSql = `
    SELECT 'last' AS kind, NULL AS event_id, NULL AS stream_name, max(revision)::text AS revision,
           NULL AS position, NULL AS type
      FROM ${events} WHERE stream_name = $1
    UNION ALL
    SELECT 'used', event_id, stream_name, revision::text, position::text, type
      FROM ${events} WHERE event_id = ANY($2::text[])`;
  const insertSql = `
    INSERT INTO ${events} (position, stream_name, revision, event_id, type, data, metadata)
    SELECT ${transactionPositionSql('$1')} + $2::bigint + e.n - 1, $3, $4::bigint + e.n - 1,
           e.value->>'id', e.value->>'type', e.value->'data', e.value->'metadata'
      FROM jsonb_array_elements($5::jsonb) WITH ORDINALITY AS e(value, n)
    RETURNING position::text AS position, revision::text AS revision`;
  const headSql = `SELECT coalesce(max(position), 0)::text AS position FROM ${events}`;
  const notifyAndCommit = `SELECT pg_notify('${channel}', ''); COMMIT`;

  const appendOne = async (client: PoolClient, append: PostgresAppend, firstOrdinal: bigint): Promise<AppendResult> => {
    const { stream, expectedRevision } = append;
    const { rows } = await client.query(lookupSql, [stream, append.events.map((e) => e.id)]);
    let actual: bigint | undefined;
    const used = new Map<string, StoredPlace>();
    for (const row of rows) {
      if (stringField(row, 'kind') === 'last') {
        actual = bigintField(row, 'revision');
        continue;
      }
      const [id, streamName, revision, position, type] = [
        stringField(row, 'event_id'),
        stringField(row, 'stream_name'),
        bigintField(row, 'revision'),
        bigintField(row, 'position'),
        stringField(row, 'type'),
      ];
      if (id !== undefined && streamName !== undefined && revision !== undefined && position !== undefined && type !== undefined) {
        used.set(id, { streamName, revision, position, type });
      }
    }
    const replay = idempotentResult(stream, append.events, expectedRevision, (id) => used.get(id));
    if (replay !== undefined) return replay;
    assertExpectedRevision(stream, expectedRevision, actual);
    for (const event of append.events) if (used.has(event.id)) throw eventIdConflict(stream, event.id);
    const firstRevision = actual === undefined ? 0n : actual + 1n;
    if (append.events.length === 0) {
      const head = await client.query(headSql);
      return { nextExpectedRevision: actual ?? -1n, position: bigintField(head.rows[0], 'position') ?? 0n };
    }
    const inserted = await client.query(insertSql, [
      base().toString(),
      firstOrdinal.toString(),
      stream,
      firstRevision.toString(),
      JSON.stringify(append.events),
    ]);
    const positions = new Map<bigint, bigint>();
    for (const row of inserted.rows) {
      const revision = bigintField(row, 'revision');
      const position = bigintField(row, 'position');
      if (revision !== undefined && position !== undefined) positions.set(revision, position);
    }
    const recorded = append.events.map((event, i): RecordedEvent => {
      const revision = firstRevision + BigInt(i);
      const position = positions.get(revision);
      if (position === undefined) throw new Error(`postgres: insert returned no position for revision ${revision}`);
      return { ...event, streamName: stream, revision, position };
    });
    if (onAppended !== undefined) await onAppended(client, recorded);
    const last = recorded[recorded.length - 1];
    return last === undefined
      ? { nextExpectedRevision: actual ?? -1n, position: 0n }
      : { nextExpectedRevision: last.revision, position: last.position };
  };

  /** One append inside the open savepoint, retried after a lost race; returns its own outcome. */
  const attempt = async (client: PoolClient, append: PostgresAppend, nextOrdinal: () => bigint): Promise<Settled<AppendResult>> => {
    for (let tries = 1; ; tries++) {
      try {
        return { ok: true, value: await appendOne(client, append, nextOrdinal()) };
      } catch (error) {
        await client.query('ROLLBACK TO SAVEPOINT append');
        const retry = (isUniqueViolation(error) || isDeadlock(error)) && tries < MAX_ATTEMPTS;
        if (!retry) return { ok: false, error: fromPostgresError(error) };
      }
    }
  };

  /**
   * Group commit: the batch shares one transaction, each append in its own savepoint so a
   * failing one is undone alone. Appends are taken in stream-name order (stable, so one stream's
   * appends keep theirs): every writer then meets the unique index in the same order and two
   * batches cannot deadlock on it.
   */
  const appendBatch = async (batch: readonly PostgresAppend[]): Promise<Settled<AppendResult>[]> => {
    const order = batch
      .map((append, index) => ({ append, index }))
      .sort((a, b) => (a.append.stream < b.append.stream ? -1 : a.append.stream > b.append.stream ? 1 : 0));
    const outcomes: Settled<AppendResult>[] = new Array(batch.length);
    let ordinal = 1n;
    const client = await pool.connect().catch((e: unknown) => Promise.reject(fromPostgresError(e)));
    let failed: unknown;
    try {
      await client.query('BEGIN; SAVEPOINT append');
      for (const [i, { append, index }] of order.entries()) {
        if (i > 0) await client.query('RELEASE SAVEPOINT append; SAVEPOINT append');
        outcomes[index] = await attempt(client, append, () => {
          const first = ordinal;
          ordinal += BigInt(Math.max(1, append.events.length));
          return first;
        });
      }
      if (!outcomes.some((o) => o.ok)) {
        await client.query('ROLLBACK');
        return outcomes;
      }
      // COMMIT in a transaction that has failed rolls back without an error; only the tag tells.
      const results: unknown = await client.query(notifyAndCommit);
      const commandTags = (Array.isArray(results) ? results : [results]).map((r: unknown) =>
        typeof r === 'object' && r !== null ? Reflect.get(r, 'command') : undefined,
      );
      if (commandTags[commandTags.length - 1] !== 'COMMIT') {
        throw new Error(`postgres: the append transaction ended with ${String(commandTags.at(-1))}, not COMMIT`);
      }
      return outcomes;
    } catch (e) {
      failed = e;
      await client.query('ROLLBACK').catch(() => undefined);
      throw fromPostgresError(e);
    } finally {
      // A connection that failed mid-transaction is not returned to the pool for reuse.
      client.release(failed instanceof Error ? failed : undefined);
    }
  };

  return { appendBatch };
};
