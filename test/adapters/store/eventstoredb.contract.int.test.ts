import { getEventStoreDBEventStore } from '../../../src/adapters/store/eventstoredb/client';
import { describeEventStoreContract } from '../../contract/eventStoreContract';
import { describeWithEventStoreDB } from '../../support/eventStoreDB';

describeWithEventStoreDB('eventstoredb', (connectionString) => {
  // No corrupt capability: the server keeps no row we could damage from here.
  describeEventStoreContract('eventstoredb', async () => getEventStoreDBEventStore({ connectionString }), {
    refusesReusedEventIds: false,
  });
});
