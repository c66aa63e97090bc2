import { join } from 'node:path';
import { getTempFolders } from '../../support/tempFolders';
import { fourWorkersOneKilled } from './multiProcessScenario';
import { killWorkerProcesses } from './workerProcesses';

const folders = getTempFolders('workers');
afterEach(killWorkerProcesses);
afterAll(() => folders.removeAll());

describe('worker processes sharing one SQLite file', () => {
  it('claim each of 1,000 tasks exactly once per attempt and lose none when one is killed mid-task', async () => {
    await fourWorkersOneKilled(`sqlite:${join(folders.make(), 'events.db')}`);
  }, 300_000);
});
