import { describeWithPostgres, getTestSchemas } from '../../support/postgres';
import { fourWorkersOneKilled } from './multiProcessScenario';
import { killWorkerProcesses } from './workerProcesses';

const schemas = getTestSchemas('workers');
afterEach(killWorkerProcesses);
afterAll(() => schemas.dropAll());

describeWithPostgres('worker processes sharing one PostgreSQL schema', (url) => {
  it('claim each of 1,000 tasks exactly once per attempt and lose none when one is killed mid-task', async () => {
    const withSchema = new URL(url);
    withSchema.searchParams.set('schema', schemas.make());
    await fourWorkersOneKilled(withSchema.toString());
  }, 300_000);
});
