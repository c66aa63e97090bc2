import { getPostgreSQLEventStore } from '../../../src/adapters/store/postgres/postgresEventStore';
import { describeWithPostgres, getTestSchemas } from '../../support/postgres';
import { describeSubscriptions } from './subscriptionCases';

const schemas = getTestSchemas('subscriptions');

describeWithPostgres('subscriptions on PostgreSQL', (connectionString) => {
  afterAll(schemas.dropAll);
  describeSubscriptions('PostgreSQL', async () =>
    getPostgreSQLEventStore({ connectionString, schema: schemas.make(), pollIntervalMs: 50 }),
  );
});
