import { join } from 'node:path';
import { openStorage } from '../../src/adapters/storage/openStorage';
import { getTempFolders } from '../support/tempFolders';
import { describeReadModels } from './readModelCases';

const folders = getTempFolders('read-models');
afterAll(() => folders.removeAll());

describeReadModels('sqlite', () => openStorage(`sqlite:${join(folders.make(), 'events.db')}`), { runs: 30 });

// The same behaviour with the read models following the log asynchronously (`?projections=async`).
describeReadModels(
  'sqlite, async projections',
  () => openStorage(`sqlite:${join(folders.make(), 'events.db')}?projections=async`),
  {
    runs: 10,
  },
);
