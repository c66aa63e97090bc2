import { pg } from '../lib/pg';
import { figureOf } from '../lib/figures';
import { rawEvents, timed } from '../lib/rawEvents';
import { POSTGRES_URL } from '../lib/services';
import { freshSchemaName, dropSchema } from '../lib/tempStores';
import { repeat, BenchContext } from '../lib/workload';
import type { BenchEvent } from '../lib/engineEvents';

/** The columns, keys and constraints of the store's events table, with a plain identity position. */
const tableSql = (schema: string) => `
  CREATE SCHEMA "${schema}";
  CREATE TABLE "${schema}".events (
    position       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    stream_name    text        NOT NULL,
    revision       bigint      NOT NULL,
    event_id       text        NOT NULL UNIQUE,
    type           text        NOT NULL,
    data           jsonb       NOT NULL,
    metadata       jsonb       NOT NULL,
    recorded_at    timestamptz NOT NULL DEFAULT now(),
    transaction_id xid8        NOT NULL DEFAULT pg_current_xact_id(),
    UNIQUE (stream_name, revision)
  );`;

const connect = async () => {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  return client;
};

const withSchema = async <T>(work: (schema: string) => Promise<T>): Promise<T> => {
  const schema = freshSchemaName('raw');
  const admin = await connect();
  try {
    await admin.query(tableSql(schema));
    return await work(schema);
  } finally {
    await admin.end();
    await dropSchema(schema);
  }
};

const paramsOf = (e: BenchEvent) => [e.streamName, e.revision, e.id, e.type, e.dataJson, e.metadataJson];

/** One INSERT per event, autocommit (one transaction, one WAL flush each), on `connections` connections. */
export const autocommitRate = (events: readonly BenchEvent[], connections: number) =>
  withSchema(async (schema) => {
    const clients = await Promise.all(Array.from({ length: connections }, connect));
    const text = `INSERT INTO "${schema}".events (stream_name, revision, event_id, type, data, metadata) VALUES ($1, $2, $3, $4, $5, $6)`;
    // Each connection owns whole streams, so every stream's revisions still arrive in order.
    const shares = clients.map((_, c) => events.filter((e) => Number(e.streamName.split('-').pop()) % connections === c));
    try {
      return await timed(events.length, async () => {
        await Promise.all(
          clients.map(async (client, c) => {
            for (const e of shares[c] ?? []) await client.query({ name: 'insert_event', text, values: paramsOf(e) });
          }),
        );
      });
    } finally {
      await Promise.all(clients.map((client) => client.end()));
    }
  });

/** 1,000 rows per INSERT statement (one transaction each). */
const batchedRate = (events: readonly BenchEvent[]) =>
  withSchema(async (schema) => {
    const client = await connect();
    try {
      return await timed(events.length, async () => {
        for (let i = 0; i < events.length; i += 1_000) {
          const batch = events.slice(i, i + 1_000);
          const rows = batch.map((_, r) => `($${r * 6 + 1}, $${r * 6 + 2}, $${r * 6 + 3}, $${r * 6 + 4}, $${r * 6 + 5}, $${r * 6 + 6})`);
          await client.query(
            `INSERT INTO "${schema}".events (stream_name, revision, event_id, type, data, metadata) VALUES ${rows.join(', ')}`,
            batch.flatMap(paramsOf),
          );
        }
      });
    } finally {
      await client.end();
    }
  });

/** A server-side cursor, 1,000 rows per FETCH; pg parses jsonb with JSON.parse. */
const scanRate = (events: readonly BenchEvent[]) =>
  withSchema(async (schema) => {
    const client = await connect();
    try {
      await client.query(
        `INSERT INTO "${schema}".events (stream_name, revision, event_id, type, data, metadata)
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(stream_name text, revision bigint, event_id text, type text, data jsonb, metadata jsonb)`,
        [JSON.stringify(events.map((e) => ({ stream_name: e.streamName, revision: e.revision, event_id: e.id, type: e.type, data: e.data, metadata: e.metadata })))],
      );
      await client.query('VACUUM ANALYZE "' + schema + '".events');
      let rows = 0;
      const rate = await timed(events.length, async () => {
        await client.query('BEGIN');
        await client.query(
          `DECLARE scan NO SCROLL CURSOR FOR SELECT position, stream_name, revision, event_id, type, data, metadata FROM "${schema}".events ORDER BY position`,
        );
        for (;;) {
          const { rowCount } = await client.query('FETCH 1000 FROM scan');
          if (!rowCount) break;
          rows += rowCount;
        }
        await client.query('COMMIT');
      });
      if (rows !== events.length) throw new Error(`scan read ${rows} of ${events.length} rows`);
      return rate;
    } finally {
      await client.end();
    }
  });

/**
 * The PostgreSQL limits at its default durability (fsync on, synchronous_commit on): one
 * autocommitted INSERT per event on 1 and on 8 connections, 1,000-row INSERTs, a cursor scan.
 */
export const rawPostgres = async (ctx: BenchContext) => {
  const events = rawEvents(ctx.sizes.rawStreams);
  const values = await repeat(ctx.runs, async () => ({
    one: await autocommitRate(events, 1),
    eight: await autocommitRate(events, 8),
    batched: await batchedRate(events),
    scan: await scanRate(events),
  }));
  const store = 'postgres';
  const unit = 'events/s';
  const note = 'fsync=on, synchronous_commit=on';
  ctx.emit(figureOf({ name: 'raw.insert.tx-per-event', store, unit, note: `autocommit, 1 connection; ${note}` }, values.one));
  ctx.emit(figureOf({ name: 'raw.insert.tx-per-event.8conn', store, unit, note: `autocommit, 8 connections; ${note}` }, values.eight));
  ctx.emit(figureOf({ name: 'raw.insert.batched1000', store, unit, note }, values.batched));
  ctx.emit(figureOf({ name: 'raw.scan', store, unit, note: `${events.length} rows, cursor FETCH 1000` }, values.scan));
};
