import { getMemoryEventStore } from '../../../src/adapters/store/memoryEventStore';
import { describeEventStoreContract } from '../../contract/eventStoreContract';

describeEventStoreContract('memory', async () => getMemoryEventStore());
