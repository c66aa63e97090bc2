import { join } from 'node:path';
import { openStorage } from '../../src/adapters/storage/openStorage';
import { getTempFolders } from '../support/tempFolders';
import { describeReadModels } from './readModelCases';

const folders = getTempFolders('read-models');
afterAll(() => folders.removeAll());

describeReadModels('sqlite', () => openStorage(`sqlite:${join(folders.make(), 'events.db')}`), { runs: 30 });
