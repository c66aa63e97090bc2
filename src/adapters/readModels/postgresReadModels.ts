import type { Pool, PoolClient } from 'pg';
import type {
  Checkpoint,
  ReadModelStore,
  ReadModelTransaction,
  Row,
  RowQuery,
  TableSpec,
  TableWrite,
} from '../../ports/readModelStore';
import { getPostgresInlineSql } from './postgresInlineSql';
import { getUpsertCtes, lockCheckpointRows, postgresTable } from './postgresRowSql';
import { buildRowQuery, identifier, postgresDialect } from './sqlDialect';
import { isDeadlock } from '../store/postgres/postgresErrors';

/** One round trip: a transaction whose commit does not wait for its WAL to reach the disk. */
const NON_DURABLE_BEGIN = 'BEGIN; SET LOCAL synchronous_commit = off';
// Deadlocks are rare and each costs PostgreSQL's deadlock_timeout (1 s) to find.
const MAX_DEADLOCK_TRIES = 5;

type Queryable = Pick<PoolClient, 'query'>;

/**
 * Read models in the PostgreSQL schema that holds the events, so inline projections change in
 * the append's own transaction (through the client the store hands them).
 */
export const getPostgresReadModels = (pool: Pool, schema: string) => {
  const table = (name: string) => postgresTable(schema, name);
  const checkpointTable = `${identifier(schema)}.rm_checkpoints`;
  const upsertCtes = getUpsertCtes(schema);

  const readCheckpoint = async (db: Queryable, name: string): Promise<Checkpoint | undefined> => {
    const result = await db.query<{ version: number; position: string }>(
      `SELECT version, position::text AS position FROM ${checkpointTable} WHERE name = $1`,
      [name],
    );
    const row = result.rows[0];
    return row === undefined ? undefined : { version: row.version, position: BigInt(row.position) };
  };

  /** One query for the rows of keys `$1` in every table named, each row tagged with its table. */
  const rowsOfKeys = (names: readonly string[], extraColumns: string) =>
    names
      .map(
        (name, i) =>
          `SELECT $${i + 2}::text AS t, "key", revision::text AS revision${extraColumns} FROM ${table(name)} WHERE "key" = ANY($1)`,
      )
      .join(' UNION ALL ');

  /** `work` on a pooled client inside BEGIN (or `begin`) … COMMIT, rolled back if it throws. */
  const inTransaction = async <T>(work: (client: PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> => {
    const client = await pool.connect();
    try {
      await client.query(begin);
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  };

  /**
   * A deadlock undoes the whole transaction, and PostgreSQL picks a side at random: `attempt`
   * runs again on a fresh one (transaction work is re-runnable, see ReadModelStore.transaction).
   * Inline writers and a rebuild's last pass write the same rows in batches of their own.
   */
  const retryingDeadlocks = async <T>(attempt: () => Promise<T>): Promise<T> => {
    for (let tries = 1; ; tries++) {
      try {
        return await attempt();
      } catch (e) {
        if (!isDeadlock(e) || tries >= MAX_DEADLOCK_TRIES) throw e;
      }
    }
  };

  /** See `clear`: every table's rows and checkpoint in one transaction. */
  const clearOnce = (names: readonly string[], mark: Checkpoint) =>
    inTransaction(async (client) => {
      const found = await client.query<{ name: string }>(
        `SELECT name FROM unnest($1::text[]) AS t(name) WHERE to_regclass(name) IS NOT NULL`,
        [[...names.map(table), checkpointTable]],
      );
      // A table never created has nothing to clear.
      const existing = new Set(found.rows.map((r) => r.name));
      const tables = names.map(table).filter((t) => existing.has(t));
      // The checkpoints first, as every transaction takes them (see lockCheckpoints).
      if (existing.has(checkpointTable)) await lockCheckpointRows(client, checkpointTable, names, 'UPDATE');
      if (tables.length > 0)
        await client.query(`LOCK TABLE ${tables.join(', ')} IN SHARE ROW EXCLUSIVE MODE`);
      if (existing.has(checkpointTable))
        await client.query(
          `INSERT INTO ${checkpointTable} (name, version, position)
           SELECT name, $2, $3 FROM unnest($1::text[]) AS t(name)
           ON CONFLICT (name) DO UPDATE SET version = excluded.version, position = excluded.position`,
          [[...names].sort(), mark.version, mark.position.toString()],
        );
      for (const t of tables) await client.query(`DELETE FROM ${t}`);
    });

  /** Reads and writes through `db`: a pooled client inside a transaction, few round trips each. */
  const transactionOn = (db: Queryable): ReadModelTransaction => {
    const checkpoints = async (names: readonly string[]) => {
      const found = new Map<string, Checkpoint>();
      const result = await db.query<{ name: string; version: number; position: string }>(
        `SELECT name, version, position::text AS position FROM ${checkpointTable} WHERE name = ANY($1)`,
        [names],
      );
      for (const row of result.rows)
        found.set(row.name, { version: row.version, position: BigInt(row.position) });
      return found;
    };
    const loadMany = async (names: readonly string[], keys: readonly string[]) => {
      const all = new Map<string, Map<string, Row<unknown>>>(names.map((n) => [n, new Map()]));
      if (keys.length === 0 || names.length === 0) return all;
      const result = await db.query<{ t: string; key: string; revision: string; doc: unknown }>(
        rowsOfKeys(names, ', doc'),
        [keys, ...names],
      );
      for (const row of result.rows)
        all.get(row.t)?.set(row.key, { doc: row.doc ?? undefined, revision: BigInt(row.revision) });
      return all;
    };
    const revisions = async (names: readonly string[], keys: readonly string[]) => {
      const all = new Map<string, Map<string, bigint>>(names.map((n) => [n, new Map()]));
      if (keys.length === 0 || names.length === 0) return all;
      const result = await db.query<{ t: string; key: string; revision: string }>(rowsOfKeys(names, ''), [
        keys,
        ...names,
      ]);
      for (const row of result.rows) all.get(row.t)?.set(row.key, BigInt(row.revision));
      return all;
    };
    const writeMany = async (writes: readonly TableWrite[]) => {
      // One statement for every table: each INSERT is a data-modifying CTE of the same query.
      const { ctes, params } = upsertCtes(writes, 1);
      if (ctes.length > 0) await db.query(`WITH ${ctes.join(', ')} SELECT 1`, params);
    };
    /**
     * One statement for every table, rows in name order, so two transactions writing the same
     * checkpoints lock them in the same order; `onConflict` says what becomes of a recorded one.
     */
    const upsertCheckpoints = async (given: ReadonlyMap<string, Checkpoint>, onConflict: string) => {
      const sorted = [...given].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      await db.query(
        `INSERT INTO ${checkpointTable} AS c (name, version, position)
         SELECT * FROM unnest($1::text[], $2::int[], $3::bigint[])
         ON CONFLICT (name) DO UPDATE SET ${onConflict}`,
        [
          sorted.map(([name]) => name),
          sorted.map(([, checkpoint]) => checkpoint.version),
          sorted.map(([, checkpoint]) => checkpoint.position.toString()),
        ],
      );
    };
    /**
     * A checkpoint only moves forwards within one version; a new version (a rebuild's
     * REBUILDING, then its real one) replaces it.
     */
    const setCheckpoints = async (given: ReadonlyMap<string, Checkpoint>) => {
      if (given.size === 0) return;
      await upsertCheckpoints(
        given,
        `version = excluded.version,
           position = CASE WHEN c.version = excluded.version THEN greatest(c.position, excluded.position) ELSE excluded.position END`,
      );
    };
    // The checkpoint rows this transaction already holds FOR UPDATE: a batch locks them before
    // its rows (lockCheckpoints) and records them after; locking them again would be a wasted
    // round trip.
    const held = new Set<string>();
    const lockForUpdate = async (names: readonly string[]) => {
      const wanted = names.filter((name) => !held.has(name));
      if (wanted.length === 0) return;
      for (const name of await lockCheckpointRows(db, checkpointTable, wanted, 'UPDATE')) held.add(name);
    };
    /**
     * The upsert checks each version as it moves it: a read and then a write could let a
     * rebuild's REBUILDING in between and overwrite it. The rows are locked first in name order,
     * as setCheckpoints takes them, so the two cannot deadlock.
     */
    const advanceCheckpoints = async (given: ReadonlyMap<string, Checkpoint>) => {
      if (given.size === 0) return;
      await lockForUpdate([...given.keys()]);
      await upsertCheckpoints(
        given,
        'position = excluded.position WHERE c.version = excluded.version AND c.position < excluded.position',
      );
    };
    return {
      checkpoint: async (name) => (await checkpoints([name])).get(name),
      checkpoints,
      advanceCheckpoints,
      lockCheckpoints: lockForUpdate,
      load: async <D>(name: string, keys: readonly string[]) =>
        ((await loadMany([name], keys)).get(name) ?? new Map()) as Map<string, Row<D>>,
      loadMany,
      revisions,
      write: async <D>(spec: TableSpec, rows: ReadonlyMap<string, Row<D>>) =>
        writeMany([{ table: spec, rows }]),
      writeMany: async (writes) => {
        // A small batch (an inline append) goes in one statement; a big one (a rebuild) in
        // chunks, so no one statement carries a huge JSON parameter.
        if (writes.reduce((n, w) => n + w.rows.size, 0) <= 500) return writeMany(writes);
        for (const write of writes) {
          const entries = [...write.rows];
          for (let i = 0; i < entries.length; i += 500) {
            await writeMany([{ table: write.table, rows: new Map(entries.slice(i, i + 500)) }]);
          }
        }
      },
      setCheckpoint: async (name, checkpoint) => setCheckpoints(new Map([[name, checkpoint]])),
      setCheckpoints,
    };
  };

  const store: ReadModelStore = {
    prepare: (tables) =>
      inTransaction(async (client) => {
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
          `taskledger-read-models:${schema}`,
        ]);
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${identifier(schema)}`);
        await client.query(
          `CREATE TABLE IF NOT EXISTS ${checkpointTable} (name text PRIMARY KEY, version integer NOT NULL, position bigint NOT NULL)`,
        );
        for (const spec of tables) {
          const columns = spec.columns.map(
            (c) => `${identifier(c.name)} ${c.type === 'number' ? 'double precision' : 'text'}`,
          );
          await client.query(
            `CREATE TABLE IF NOT EXISTS ${table(spec.name)} ("key" text PRIMARY KEY, revision bigint NOT NULL, doc jsonb${columns.map((c) => `, ${c}`).join('')})`,
          );
          // An index an earlier version declared costs every write and serves no query: dropped.
          const { rows: found } = await client.query<{ name: string }>(
            `SELECT c.relname AS name FROM pg_index i
             JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
             JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE n.nspname = $1 AND t.relname = $2 AND NOT i.indisprimary AND starts_with(c.relname, $3)`,
            [schema, `rm_${spec.name}`, `rm_${spec.name}_`],
          );
          const wanted = new Set(spec.indexes.map((index) => index.name));
          for (const { name } of found.filter((row) => !wanted.has(row.name)))
            await client.query(`DROP INDEX ${identifier(schema)}.${identifier(name)}`);
          for (const index of spec.indexes) {
            await client.query(
              `CREATE INDEX IF NOT EXISTS ${identifier(index.name)} ON ${table(spec.name)} (${[...index.columns, 'key'].map(identifier).join(', ')})`,
            );
          }
        }
      }),
    transaction: (work, options) =>
      retryingDeadlocks(() =>
        // Not durable: the commit returns before its WAL is flushed; a crash may lose it whole.
        inTransaction(
          (client) => work(transactionOn(client)),
          options?.durable === false ? NON_DURABLE_BEGIN : 'BEGIN',
        ),
      ),
    checkpoint: (name) => readCheckpoint(pool, name),
    checkpoints: (names) => transactionOn(pool).checkpoints(names),
    /**
     * A session advisory lock on a connection of its own, keyed by schema and purpose: a
     * process that dies mid-work drops its connection, and the lock with it.
     */
    exclusively: async (purpose, work) => {
      const client = await pool.connect();
      const key = `${schema}:${purpose}`;
      let broken = false;
      try {
        await client.query('SELECT pg_advisory_lock(hashtext($1))', [key]);
        try {
          return await work();
        } finally {
          await client.query('SELECT pg_advisory_unlock(hashtext($1))', [key]).catch(() => {
            broken = true;
          });
        }
      } finally {
        // A connection whose unlock failed may still hold the lock: close it rather than reuse it.
        client.release(broken);
      }
    },
    /**
     * Rows and the mark go in one transaction: an inline writer that still saw a checkpoint
     * must never find its rows gone, or it would fold its events onto nothing. The checkpoint
     * rows are locked first, as every writer takes them; then the table locks wait for the
     * writers in flight and hold new ones back until the commit (readers pass): a DELETE
     * meeting their row locks one by one, in another order than theirs, can deadlock. They are
     * taken in the order given, the one writers take them in (the registry's); should a writer
     * still deadlock with it, the clear starts again (`retryingDeadlocks`).
     */
    clear: (names, mark) => retryingDeadlocks(() => clearOnce(names, mark)),
    get: async <D>(name: string, key: string) => {
      const result = await pool.query<{ doc: D | null }>(`SELECT doc FROM ${table(name)} WHERE "key" = $1`, [
        key,
      ]);
      return result.rows[0]?.doc ?? undefined;
    },
    query: async <D>(name: string, query: RowQuery) => {
      const q = buildRowQuery(postgresDialect, query);
      const page = `SELECT "key", doc, ${q.sortColumn} AS sort_value FROM ${table(name)} WHERE ${q.pageWhere} ORDER BY ${q.orderBy} LIMIT ${q.limit}`;
      const rowsOf = (rows: readonly { key: string; doc: D; sort_value: string | number }[]) =>
        rows.map((r) => ({ key: r.key, doc: r.doc, sortValue: r.sort_value }));
      // Uncounted, the page is one statement: no snapshot to share, no transaction to hold.
      if (query.count === false)
        return {
          rows: rowsOf(
            (await pool.query<{ key: string; doc: D; sort_value: string | number }>(page, q.params)).rows,
          ),
        };
      const client = await pool.connect();
      try {
        // One snapshot for the page and its total, as Kubeflow reads them.
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        const total = await client.query<{ n: string }>(
          `SELECT count(*)::text AS n FROM ${table(name)} WHERE ${q.where}`,
          q.countParams,
        );
        const rows = await client.query<{ key: string; doc: D; sort_value: string | number }>(page, q.params);
        await client.query('COMMIT');
        return { total: Number(total.rows[0]?.n ?? 0), rows: rowsOf(rows.rows) };
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    },
    close: async () => undefined,
  };
  return { store, transactionOn, inline: getPostgresInlineSql(pool, schema) };
};
