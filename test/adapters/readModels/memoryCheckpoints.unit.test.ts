import { getMemoryReadModels } from '../../../src/adapters/readModels/memoryReadModels';
import { describeSetCheckpoints } from './checkpointCases';

// Memory read models get setCheckpoints from withLoops.
describeSetCheckpoints('memory', async () => getMemoryReadModels());
