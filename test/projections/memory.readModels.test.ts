import { memoryStorage } from '../../src/adapters/storage/openStorage';
import { describeReadModels } from './readModelCases';

describeReadModels('memory', async () => memoryStorage(), { runs: 60 });
