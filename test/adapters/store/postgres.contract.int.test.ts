import { getPostgreSQLEventStore } from '../../../src/adapters/store/postgres/postgresEventStore';
import { describeEventStoreContract } from '../../contract/eventStoreContract';
import { describeWithPostgres, getTestSchemas } from '../../support/postgres';

const schemas = getTestSchemas('contract');

describeWithPostgres('postgres', (connectionString) => {
  describeEventStoreContract(
    'postgres',
    async () => getPostgreSQLEventStore({ connectionString, schema: schemas.make(), pollIntervalMs: 50 }),
    {
      cleanup: schemas.dropAll,
      corrupt: async (store, position) => {
        await store.pool.query(
          `UPDATE "${store.schema}".events SET data = '"not an object"'::jsonb WHERE position = $1`,
          [position.toString()],
        );
      },
    },
  );
});
