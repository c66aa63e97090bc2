import { getPostgreSQLEventStore } from '../../../src/adapters/store/postgres/postgresEventStore';
import { describeWithPostgres, getTestSchemas } from '../../support/postgres';
import { describeTampering } from './tamperingCases';

const schemas = getTestSchemas('tamper');

describeWithPostgres('verify on PostgreSQL', (connectionString) => {
  afterAll(schemas.dropAll);
  describeTampering('PostgreSQL', {
    open: async () =>
      getPostgreSQLEventStore({ connectionString, schema: schemas.make(), pollIntervalMs: 50 }),
    reopen: async (store) =>
      getPostgreSQLEventStore({ connectionString, schema: store.schema, pollIntervalMs: 50 }),
    tamper: (store) => {
      const events = `"${store.schema}".events`;
      const sql = async (text: string, params: unknown[]) => store.pool.query(text, params);
      return {
        setDataField: async (position, key, value) => {
          await sql(
            `UPDATE ${events} SET data = jsonb_set(data, ARRAY[$1], to_jsonb($2::text)) WHERE position = $3`,
            [key, value, position.toString()],
          );
        },
        remove: async (position) => {
          await sql(`DELETE FROM ${events} WHERE position = $1`, [position.toString()]);
        },
        swapContents: async (a, b) => {
          // One statement reads the rows as they were before it: a true swap.
          await sql(
            `UPDATE ${events} AS e SET type = o.type, data = o.data, metadata = o.metadata
               FROM ${events} AS o
              WHERE (e.position, o.position) IN (($1::bigint, $2::bigint), ($2::bigint, $1::bigint))`,
            [a.toString(), b.toString()],
          );
        },
        insert: async (row) => {
          const { rows } = await sql(
            `INSERT INTO ${events} (position, stream_name, revision, event_id, type, data, metadata)
             SELECT max(position) + 1, $1, $2, $3, $4, $5::jsonb, $6::jsonb FROM ${events}
             RETURNING position::text AS position`,
            [
              row.stream,
              row.revision.toString(),
              row.id,
              row.type,
              JSON.stringify(row.data),
              JSON.stringify(row.metadata),
            ],
          );
          return BigInt(String(rows[0]?.position));
        },
      };
    },
  });
});
