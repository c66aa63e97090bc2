import type { Pool, PoolClient } from 'pg';
import type { Row } from '../../ports/readModelStore';
import { getUpsertCtes, lockCheckpointRows, postgresTable } from './postgresRowSql';
import { identifier } from './sqlDialect';
import { settling } from '../../projections/checkpointVersions';

/** What one read gave: every checkpoint's version, and the rows of the keys asked for. */
export type InlineSnapshot = {
  readonly versions: ReadonlyMap<string, number>;
  readonly rows: ReadonlyMap<string, ReadonlyMap<string, Row<unknown>>>;
};

/**
 * The read-model SQL of the one-statement append (store/postgres/postgresAppendStatement.ts):
 * one read of checkpoints and rows before it, its upserts, and the guard that undoes it when a
 * projection's checkpoint version is no longer what the plan assumed (a rebuild began or ended).
 */
export const getPostgresInlineSql = (pool: Pool, schema: string) => {
  const checkpointTable = `${identifier(schema)}.rm_checkpoints`;

  /** Checkpoints and rows in one round trip, outside any transaction. */
  const read = async (tables: readonly string[], keys: readonly string[]): Promise<InlineSnapshot> => {
    const rowsOf = tables.map(
      (name, i) =>
        `SELECT $${i + 3}::text AS t, "key", revision::text AS revision, doc FROM ${postgresTable(schema, name)} WHERE "key" = ANY($2)`,
    );
    const result = await pool.query<{ t: string | null; key: string; revision: string; doc: unknown }>(
      [
        `SELECT NULL::text AS t, name AS "key", version::text AS revision, NULL::jsonb AS doc FROM ${checkpointTable} WHERE name = ANY($1)`,
        ...(keys.length === 0 ? [] : rowsOf),
      ].join(' UNION ALL '),
      keys.length === 0 ? [tables] : [tables, keys, ...tables],
    );
    const versions = new Map<string, number>();
    const rows = new Map(tables.map((name) => [name, new Map<string, Row<unknown>>()]));
    for (const row of result.rows) {
      if (row.t === null) versions.set(row.key, Number(row.revision));
      else rows.get(row.t)?.set(row.key, { doc: row.doc ?? undefined, revision: BigInt(row.revision) });
    }
    return { versions, rows };
  };

  /**
   * An append's hold on the checkpoints it is about to read, until it commits: a rebuild's
   * settling (after which it folds what appends skipped while it refilled) waits for every
   * append that read REBUILDING to commit, and so sees its events; an append that starts
   * meanwhile waits, then reads settling and folds its events itself. (Read without it, an
   * append in flight across the settling could skip its events and commit them after the
   * rebuild's last pass: lost from the read models.)
   */
  const shareCheckpoints = (client: Pick<PoolClient, 'query'>, names: readonly string[]) =>
    lockCheckpointRows(client, checkpointTable, names, 'SHARE');

  /**
   * True when exactly `folding` of `projections` have a checkpoint at a version whose rows inline
   * writers fold (their code version, or settling after a rebuild): the tables the plan writes
   * are the ones an inline writer must write, no more, no fewer. Not read `FOR SHARE`: the
   * statement holds its tables' locks from its start, so waiting here for a clear (which takes
   * the checkpoints, then the tables) would deadlock with it; and it needs no hold, since it
   * runs only while the task index folds inline, so it never skips rows a rebuild's settling
   * must then fold (see shareCheckpoints).
   */
  const guard = (
    projections: readonly { name: string; version: number }[],
    folding: readonly string[],
    firstParam: number,
  ) => {
    const [names, versions, settlingVersions, expected] = [0, 1, 2, 3].map((n) => `$${firstParam + n}`);
    const found = `coalesce(array_agg(c.name), '{}')`;
    return {
      sql: `(SELECT ${found} @> ${expected}::text[] AND ${found} <@ ${expected}::text[]
        FROM ${checkpointTable} c
          JOIN unnest(${names}::text[], ${versions}::int[], ${settlingVersions}::int[]) AS p(name, version, settling)
          ON p.name = c.name AND c.version IN (p.version, p.settling))`,
      params: [
        projections.map((p) => p.name),
        projections.map((p) => p.version),
        projections.map((p) => settling(p.version)),
        folding,
      ],
    };
  };

  const writes = getUpsertCtes(schema);

  return { read, guard, writes, shareCheckpoints };
};

export type PostgresInlineSql = ReturnType<typeof getPostgresInlineSql>;
