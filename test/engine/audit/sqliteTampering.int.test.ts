import { join } from 'node:path';
import { getSQLiteEventStore } from '../../../src/adapters/store/sqlite/sqliteEventStore';
import { getTempFolders } from '../../support/tempFolders';
import { describeTampering } from './tamperingCases';

const folders = getTempFolders('sqlite-tamper');
afterAll(folders.removeAll);

const contentOf = (row: unknown) => {
  const text = (key: string) => {
    const value: unknown = typeof row === 'object' && row !== null ? Reflect.get(row, key) : undefined;
    if (typeof value !== 'string') throw new Error(`row has no ${key}`);
    return value;
  };
  return { type: text('type'), data: text('data'), metadata: text('metadata') };
};

describeTampering('SQLite', {
  open: async () => getSQLiteEventStore({ path: join(folders.make(), 'events.db') }),
  reopen: async (store) => getSQLiteEventStore({ path: store.path }),
  tamper: (store) => {
    const db = store.database;
    return {
      setDataField: async (position, key, value) => {
        db.prepare(`UPDATE events SET data = json_set(data, '$.' || ?, ?) WHERE position = ?`).run(
          key,
          value,
          position,
        );
      },
      remove: async (position) => {
        db.prepare('DELETE FROM events WHERE position = ?').run(position);
      },
      swapContents: async (a, b) => {
        const read = db.prepare('SELECT type, data, metadata FROM events WHERE position = ?');
        const write = db.prepare('UPDATE events SET type = ?, data = ?, metadata = ? WHERE position = ?');
        db.transaction(() => {
          const [x, y] = [contentOf(read.get(a)), contentOf(read.get(b))];
          write.run(y.type, y.data, y.metadata, a);
          write.run(x.type, x.data, x.metadata, b);
        })();
      },
      insert: async (row) => {
        const result = db
          .prepare(
            'INSERT INTO events (stream_name, revision, event_id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
          )
          .run(
            row.stream,
            row.revision,
            row.id,
            row.type,
            JSON.stringify(row.data),
            JSON.stringify(row.metadata),
          );
        return BigInt(result.lastInsertRowid);
      },
    };
  },
});
