import { join } from 'node:path';
import { getSQLiteEventStore } from '../../../src/adapters/store/sqlite/sqliteEventStore';
import { getTempFolders } from '../../support/tempFolders';
import { describeSubscriptions } from './subscriptionCases';

const folders = getTempFolders('sqlite-subscriptions');
afterAll(folders.removeAll);

describeSubscriptions('SQLite', async () =>
  getSQLiteEventStore({ path: join(folders.make(), 'events.db'), pollIntervalMs: 50 }),
);
