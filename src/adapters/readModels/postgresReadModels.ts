import type { Pool, PoolClient } from 'pg';
import type {
  Checkpoint,
  ReadModelStore,
  ReadModelTransaction,
  Row,
  RowQuery,
  TableSpec,
} from '../../ports/readModelStore';
import { buildRowQuery, identifier, postgresDialect } from './sqlDialect';

type Queryable = Pick<PoolClient, 'query'>;

/**
 * Read models in the PostgreSQL schema that holds the events, so inline projections change in
 * the append's own transaction (through the client the store hands them).
 */
export const getPostgresReadModels = (pool: Pool, schema: string) => {
  const table = (name: string) => `${identifier(schema)}.${identifier(`rm_${name}`)}`;
  const checkpoints = `${identifier(schema)}.rm_checkpoints`;

  const readCheckpoint = async (db: Queryable, name: string): Promise<Checkpoint | undefined> => {
    const result = await db.query<{ version: number; position: string }>(
      `SELECT version, position::text AS position FROM ${checkpoints} WHERE name = $1`,
      [name],
    );
    const row = result.rows[0];
    return row === undefined ? undefined : { version: row.version, position: BigInt(row.position) };
  };

  /** Reads and writes through `db`: a pooled client inside a transaction. */
  const transactionOn = (db: Queryable): ReadModelTransaction => ({
    checkpoint: (name) => readCheckpoint(db, name),
    load: async <D>(name: string, keys: readonly string[]) => {
      const rows = new Map<string, Row<D>>();
      if (keys.length === 0) return rows;
      const result = await db.query<{ key: string; revision: string; doc: D | null }>(
        `SELECT "key", revision::text AS revision, doc FROM ${table(name)} WHERE "key" = ANY($1)`,
        [keys],
      );
      for (const row of result.rows)
        rows.set(row.key, { doc: row.doc ?? undefined, revision: BigInt(row.revision) });
      return rows;
    },
    write: async <D>(spec: TableSpec, rows: ReadonlyMap<string, Row<D>>) => {
      const names = spec.columns.map((c) => c.name);
      const columns = ['"key"', 'revision', 'doc', ...names.map(identifier)];
      for (const [key, row] of rows) {
        const values = row.doc === undefined ? {} : spec.values(row.doc);
        const params = [
          key,
          row.revision.toString(),
          row.doc === undefined ? null : JSON.stringify(row.doc),
          ...names.map((n) => values[n] ?? null),
        ];
        // Never put back an older fold than the one stored (a slower writer, a replayed batch).
        await db.query(
          `INSERT INTO ${table(spec.name)} AS t (${columns.join(', ')}) VALUES (${params.map((_, i) => `$${i + 1}`).join(', ')})
           ON CONFLICT ("key") DO UPDATE SET ${columns
             .slice(1)
             .map((c) => `${c} = excluded.${c}`)
             .join(', ')}
           WHERE t.revision < excluded.revision`,
          params,
        );
      }
    },
    setCheckpoint: async (name, checkpoint) => {
      await db.query(
        `INSERT INTO ${checkpoints} AS c (name, version, position) VALUES ($1, $2, $3)
         ON CONFLICT (name) DO UPDATE SET version = excluded.version,
           position = CASE WHEN c.version = excluded.version THEN greatest(c.position, excluded.position) ELSE excluded.position END`,
        [name, checkpoint.version, checkpoint.position.toString()],
      );
    },
  });

  const store: ReadModelStore = {
    prepare: async (tables) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
          `taskledger-read-models:${schema}`,
        ]);
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${identifier(schema)}`);
        await client.query(
          `CREATE TABLE IF NOT EXISTS ${checkpoints} (name text PRIMARY KEY, version integer NOT NULL, position bigint NOT NULL)`,
        );
        for (const spec of tables) {
          const columns = spec.columns.map(
            (c) => `${identifier(c.name)} ${c.type === 'number' ? 'double precision' : 'text'}`,
          );
          await client.query(
            `CREATE TABLE IF NOT EXISTS ${table(spec.name)} ("key" text PRIMARY KEY, revision bigint NOT NULL, doc jsonb${columns.map((c) => `, ${c}`).join('')})`,
          );
          for (const column of spec.columns.filter((c) => c.indexed)) {
            await client.query(
              `CREATE INDEX IF NOT EXISTS ${identifier(`rm_${spec.name}_${column.name}`)} ON ${table(spec.name)} (${identifier(column.name)}, "key")`,
            );
          }
        }
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    },
    transaction: async (work) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work(transactionOn(client));
        await client.query('COMMIT');
        return result;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    },
    checkpoint: (name) => readCheckpoint(pool, name),
    clear: async (name) => {
      await pool.query(`DELETE FROM ${table(name)}`).catch((e: { code?: string }) => {
        if (e.code !== '42P01') throw e; // a table never created has nothing to clear
      });
      await pool.query(`DELETE FROM ${checkpoints} WHERE name = $1`, [name]).catch((e: { code?: string }) => {
        if (e.code !== '42P01') throw e;
      });
    },
    get: async <D>(name: string, key: string) => {
      const result = await pool.query<{ doc: D | null }>(`SELECT doc FROM ${table(name)} WHERE "key" = $1`, [
        key,
      ]);
      return result.rows[0]?.doc ?? undefined;
    },
    query: async <D>(name: string, query: RowQuery) => {
      const q = buildRowQuery(postgresDialect, query);
      const client = await pool.connect();
      try {
        // One snapshot for the page and its total, as Kubeflow reads them.
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        const total = await client.query<{ n: string }>(
          `SELECT count(*)::text AS n FROM ${table(name)} WHERE ${q.where}`,
          q.countParams,
        );
        const rows = await client.query<{ key: string; doc: D; sort_value: string | number }>(
          `SELECT "key", doc, ${q.sortColumn} AS sort_value FROM ${table(name)} WHERE ${q.pageWhere} ORDER BY ${q.orderBy} LIMIT ${q.limit}`,
          q.params,
        );
        await client.query('COMMIT');
        return {
          total: Number(total.rows[0]?.n ?? 0),
          rows: rows.rows.map((r) => ({ key: r.key, doc: r.doc, sortValue: r.sort_value })),
        };
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    },
    close: async () => undefined,
  };
  return { store, transactionOn };
};
