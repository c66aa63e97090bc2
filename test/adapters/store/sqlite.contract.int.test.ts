import { join } from 'node:path';
import { getSQLiteEventStore } from '../../../src/adapters/store/sqlite/sqliteEventStore';
import { describeEventStoreContract } from '../../contract/eventStoreContract';
import { getTempFolders } from '../../support/tempFolders';

const folders = getTempFolders('sqlite-contract');

describeEventStoreContract(
  'sqlite',
  async () => getSQLiteEventStore({ path: join(folders.make(), 'events.db') }),
  {
    cleanup: folders.removeAll,
    corrupt: async (store, position) => {
      store.database.prepare("UPDATE events SET data = '{not json' WHERE position = ?").run(position);
    },
  },
);
