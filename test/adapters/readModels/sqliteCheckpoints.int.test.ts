import Database from 'better-sqlite3';
import { join } from 'node:path';
import { getSQLiteReadModels } from '../../../src/adapters/readModels/sqliteReadModels';
import { getTempFolders } from '../../support/tempFolders';
import { describeSetCheckpoints } from './checkpointCases';

const folders = getTempFolders('sqlite-checkpoints');
const opened: Database.Database[] = [];
afterAll(async () => {
  for (const db of opened.splice(0)) db.close();
  await folders.removeAll();
});

describeSetCheckpoints('SQLite', async () => {
  const db = new Database(join(folders.make(), 'events.db'));
  opened.push(db);
  const { store } = getSQLiteReadModels(db);
  await store.prepare([]);
  return store;
});
