import { getMemoryEventStore } from '../../../src/adapters/store/memoryEventStore';
import { describeSubscriptions } from './subscriptionCases';

describeSubscriptions('the memory store', async () => getMemoryEventStore());
