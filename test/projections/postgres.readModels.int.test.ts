import { openStorage } from '../../src/adapters/storage/openStorage';
import { describeWithPostgres, getTestSchemas } from '../support/postgres';
import { describeReadModels } from './readModelCases';

const schemas = getTestSchemas('rm');
afterAll(() => schemas.dropAll());

describeWithPostgres('PostgreSQL read models', (url) => {
  describeReadModels('postgres', () => openStorage(`${url}?schema=${schemas.make()}`), { runs: 15 });
});

describeWithPostgres('PostgreSQL read models, async projections', (url) => {
  describeReadModels(
    'postgres, async projections',
    () => openStorage(`${url}?schema=${schemas.make()}&projections=async`),
    { runs: 5 },
  );
});
