import type { Pool, PoolClient } from 'pg';
import { invalidRequest } from '../../../domain/errors';
import { storeUnavailable } from '../../../ports/storeErrors';
import { ORDINAL_BITS } from './postgresPositions';
import { bigintField } from './postgresRows';

/** A schema name we quote ourselves; short enough that `taskledger_<schema>` is a valid channel name. */
export const checkSchemaName = (schema: string) => {
  if (!/^[a-z_][a-z0-9_]{0,47}$/.test(schema)) {
    throw invalidRequest(
      `PostgreSQL schema ${JSON.stringify(schema)} must match [a-z_][a-z0-9_]{0,47}`,
      'store.schema',
    );
  }
  return schema;
};

/** Append-only list: a released version is never edited, only followed by a new one. */
const migrations = (s: string): readonly { readonly version: number; readonly sql: string }[] => [
  {
    version: 1,
    sql: `
      CREATE TABLE "${s}".events (
        position       bigint      PRIMARY KEY,
        stream_name    text        NOT NULL,
        revision       bigint      NOT NULL,
        event_id       text        NOT NULL,
        type           text        NOT NULL,
        data           jsonb       NOT NULL,
        metadata       jsonb       NOT NULL,
        recorded_at    timestamptz NOT NULL DEFAULT now(),
        transaction_id xid8        NOT NULL DEFAULT pg_current_xact_id(),
        CONSTRAINT events_event_id_key UNIQUE (event_id),
        CONSTRAINT events_stream_revision_key UNIQUE (stream_name, revision)
      );
      CREATE TABLE "${s}".position_base (
        only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
        base     bigint  NOT NULL
      );
      INSERT INTO "${s}".position_base (base) VALUES (0);`,
  },
  {
    // The one-statement append (postgresAppendStatement.ts): the rows were planned in JS against
    // the revisions the caller expects; this checks those revisions where the rows go in, so a
    // whole flush (inline read models included) commits in one round trip. Any surprise raises,
    // which undoes the statement; the caller then takes the path that reads first.
    version: 2,
    sql: `
      CREATE FUNCTION "${s}".append_planned(
        p_base bigint, p_expected jsonb, p_rows jsonb, p_channel text, p_proceed boolean
      ) RETURNS TABLE (appended_position bigint, appended_stream text, appended_revision bigint)
      LANGUAGE plpgsql AS $fn$
      BEGIN
        IF NOT p_proceed THEN
          RAISE EXCEPTION 'taskledger: the plan of this append is out of date' USING ERRCODE = 'TL001';
        END IF;
        IF EXISTS (
          SELECT 1 FROM jsonb_to_recordset(p_expected) AS x(stream text, last bigint)
           WHERE (SELECT max(e.revision) FROM "${s}".events e WHERE e.stream_name = x.stream)
                 IS DISTINCT FROM x.last
        ) THEN
          RAISE EXCEPTION 'taskledger: a stream moved since this append was planned' USING ERRCODE = 'TL002';
        END IF;
        RETURN QUERY
          INSERT INTO "${s}".events AS e (position, stream_name, revision, event_id, type, data, metadata)
          -- The position of postgresPositions.ts, spelled out: a released migration never changes.
          SELECT ((pg_current_xact_id()::text::bigint + p_base) << 20) + r.ordinal,
                 r.stream, r.revision, r.id, r.type, r.data, r.metadata
            FROM jsonb_to_recordset(p_rows)
                 AS r(stream text, revision bigint, ordinal bigint, id text, type text, data jsonb, metadata jsonb)
           ORDER BY r.ordinal
          RETURNING e.position, e.stream_name, e.revision;
        -- The payload is the transaction's last position: subscriptions that read past it sleep on.
        PERFORM pg_notify(
          p_channel,
          (((pg_current_xact_id()::text::bigint + p_base) << 20) + jsonb_array_length(p_rows))::text
        );
      END
      $fn$;`,
  },
];

export const POSTGRES_SCHEMA_VERSION = 2;

/**
 * Raises the position base when the events hold positions ahead of this cluster's transaction
 * ids (restored from another cluster), so that new positions stay above them.
 *
 * Compared with the snapshot's xmax, not with `pg_current_xact_id()`: every transaction the
 * snapshot sees committed has an id below xmax, and every id given out later is at least xmax.
 * This transaction's own id may be older than rows the snapshot sees, since the planner may
 * evaluate `pg_current_xact_id()` before the snapshot is taken; that raised the base of one
 * store while its neighbours appended, and its positions ran into theirs.
 */
export const raisePositionBase = async (client: PoolClient, schema: string) => {
  const { rows } = await client.query(
    `SELECT (SELECT coalesce(max(position), 0) FROM "${schema}".events)::text AS last,
            pg_snapshot_xmax(pg_current_snapshot())::text AS next_xid`,
  );
  const last = bigintField(rows[0], 'last') ?? 0n;
  const nextXid = bigintField(rows[0], 'next_xid') ?? 0n;
  const wanted = (last >> ORDINAL_BITS) + 1n - nextXid;
  await client.query(`UPDATE "${schema}".position_base SET base = $1 WHERE base < $1`, [wanted.toString()]);
};

/**
 * Creates or upgrades the schema under a transaction-level advisory lock, so processes starting
 * together apply each step once. Returns the position base (see postgresPositions.ts), raised here
 * when the events came from another cluster whose transaction ids were ahead of this one's.
 */
export const migratePostgresSchema = async (pool: Pool, schema: string): Promise<bigint> => {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`taskledger:${schema}`]);
    const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    // Checked first: CREATE SCHEMA IF NOT EXISTS needs the CREATE privilege even when the schema exists.
    if (exists.rowCount === 0) await client.query(`CREATE SCHEMA "${schema}"`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS "${schema}".schema_version (
         version    integer     PRIMARY KEY,
         applied_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    const { rows } = await client.query(
      `SELECT coalesce(max(version), 0)::int AS version FROM "${schema}".schema_version`,
    );
    const current = Number(rows[0]?.version ?? 0);
    if (current > POSTGRES_SCHEMA_VERSION) {
      throw storeUnavailable(
        'postgres',
        `schema ${schema} has version ${current}, newer than this taskledger (${POSTGRES_SCHEMA_VERSION})`,
      );
    }
    for (const migration of migrations(schema)) {
      if (migration.version <= current) continue;
      await client.query(migration.sql);
      await client.query(`INSERT INTO "${schema}".schema_version (version) VALUES ($1)`, [migration.version]);
    }
    await raisePositionBase(client, schema);
    const base = await client.query(`SELECT base::text AS base FROM "${schema}".position_base`);
    await client.query('COMMIT');
    return BigInt(String(base.rows[0]?.base ?? '0'));
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
};
