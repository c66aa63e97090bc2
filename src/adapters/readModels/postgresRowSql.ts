import type { Row, TableSpec, TableWrite } from '../../ports/readModelStore';
import { identifier } from './sqlDialect';

/**
 * Locks checkpoint rows in name order, the one order every transaction takes them in: `UPDATE`
 * to move them, `SHARE` to keep them from moving until the transaction commits. Returns the
 * names it locked: a checkpoint not recorded yet has no row to lock.
 */
export const lockCheckpointRows = async (
  db: { query<R extends object>(text: string, values: unknown[]): Promise<{ rows: R[] }> },
  checkpointTable: string,
  names: readonly string[],
  mode: 'UPDATE' | 'SHARE',
): Promise<string[]> => {
  const locked = await db.query<{ name: string }>(
    `SELECT name FROM ${checkpointTable} WHERE name = ANY($1) ORDER BY name FOR ${mode}`,
    [[...names]],
  );
  return locked.rows.map((row) => row.name);
};

export const postgresTable = (schema: string, name: string) =>
  `${identifier(schema)}.${identifier(`rm_${name}`)}`;

/** A row as `jsonb_populate_recordset` reads it into the table's row type. */
const rowJson = (spec: TableSpec, key: string, row: Row<unknown>) => ({
  ...(row.doc === undefined ? {} : spec.values(row.doc)),
  key,
  revision: row.revision.toString(),
  doc: row.doc ?? null,
});

/** One table's upsert, its rows in the jsonb parameter `$param`. */
const upsertCteSql = (schema: string, spec: TableSpec, name: string, param: number) => {
  const table = postgresTable(schema, spec.name);
  const columns = ['"key"', 'revision', 'doc', ...spec.columns.map((c) => identifier(c.name))];
  // Never put back an older fold than the one stored (a slower writer, a replayed batch).
  return `${name} AS (INSERT INTO ${table} AS t (${columns.join(', ')})
    SELECT ${columns.join(', ')} FROM jsonb_populate_recordset(NULL::${table}, $${param})
    ON CONFLICT ("key") DO UPDATE SET ${columns
      .slice(1)
      .map((c) => `${c} = excluded.${c}`)
      .join(', ')}
    WHERE t.revision < excluded.revision RETURNING 1)`;
};

/**
 * Every table's upsert as a data-modifying CTE (`w0 AS (…)`, …), to go in one statement, each
 * table's rows in one jsonb parameter (numbered from `firstParam`): the text depends only on
 * which tables are written, so the statement can be prepared once (and its parts are built
 * once here). Rows in key order, so writers lock them in one order.
 */
export const getUpsertCtes = (schema: string) => {
  const built = new Map<string, string>();
  return (writes: readonly TableWrite[], firstParam: number) => {
    const ctes: string[] = [];
    const params: string[] = [];
    for (const { table: spec, rows } of writes) {
      if (rows.size === 0) continue;
      const name = `w${ctes.length}`;
      const param = firstParam + params.length;
      const key = `${spec.name}\u0000${name}\u0000${param}`;
      let sql = built.get(key);
      if (sql === undefined) built.set(key, (sql = upsertCteSql(schema, spec, name, param)));
      ctes.push(sql);
      const keys = [...rows.keys()].sort();
      params.push(
        JSON.stringify(
          keys.flatMap((k) => {
            const row = rows.get(k);
            return row === undefined ? [] : [rowJson(spec, k, row)];
          }),
        ),
      );
    }
    return { ctes, params };
  };
};
