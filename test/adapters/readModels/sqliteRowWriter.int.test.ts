import Database from 'better-sqlite3';
import { getSQLiteReadModels } from '../../../src/adapters/readModels/sqliteReadModels';
import type { Row, TableSpec } from '../../../src/ports/readModelStore';

type Doc = { readonly status: string; readonly queue: string; readonly name: string };

const spec: TableSpec = {
  name: 'things',
  columns: [
    { name: 'status', type: 'text', indexed: true },
    { name: 'queue', type: 'text', indexed: true },
    { name: 'name', type: 'text', indexed: false },
  ],
  indexes: [
    { name: 'rm_things_status', columns: ['status'] },
    { name: 'rm_things_queue', columns: ['queue'] },
  ],
  values: (doc) => {
    const { status, queue, name } = doc as Doc;
    return { status, queue, name };
  },
};

const open = () => {
  const db = new Database(':memory:');
  const readModels = getSQLiteReadModels(db);
  readModels.prepareTable(spec);
  const stored = () => db.prepare('SELECT "key", revision, doc, status, queue, name FROM rm_things').all();
  return { db, sync: readModels.sync, stored };
};

const row = (doc: Doc | undefined, revision: bigint): Row<Doc> => ({ doc, revision });

describe('SQLite read-model rows written with their previous version known', () => {
  it('keep every column equal to the document, whichever indexed columns changed', () => {
    const { db, sync, stored } = open();
    const first = row({ status: 'created', queue: '', name: 'a' }, 0n);
    sync.write(spec, new Map([['a', first]]));
    const steps: Doc[] = [
      { status: 'queued', queue: 'gpu', name: 'a' },
      { status: 'queued', queue: 'gpu', name: 'renamed' },
      { status: 'in_progress', queue: 'gpu', name: 'renamed' },
      { status: 'in_progress', queue: 'cpu', name: 'renamed' },
    ];
    let previous = first;
    steps.forEach((doc, i) => {
      const next = row(doc, BigInt(i + 1));
      sync.write(spec, new Map([['a', next]]), new Map([['a', previous]]));
      previous = next;
      expect(stored()).toEqual([{ key: 'a', revision: i + 1, doc: JSON.stringify(doc), ...doc }]);
    });
    // The indexes agree with the table: lookups through each index find the row.
    expect(
      db
        .prepare('SELECT "key" FROM rm_things INDEXED BY rm_things_status WHERE status = ?')
        .all('in_progress'),
    ).toEqual([{ key: 'a' }]);
    expect(
      db.prepare('SELECT "key" FROM rm_things INDEXED BY rm_things_queue WHERE queue = ?').all('cpu'),
    ).toEqual([{ key: 'a' }]);
    expect(db.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
  });

  it('never put back an older fold, nor touch a row at a later revision', () => {
    const { sync, stored } = open();
    const current = row({ status: 'queued', queue: 'gpu', name: 'a' }, 5n);
    sync.write(spec, new Map([['a', current]]));
    const older = row({ status: 'created', queue: '', name: 'old' }, 3n);
    sync.write(spec, new Map([['a', older]]), new Map([['a', current]]));
    sync.write(spec, new Map([['a', older]]));
    expect(stored()).toEqual([
      { key: 'a', revision: 5, doc: JSON.stringify(current.doc), status: 'queued', queue: 'gpu', name: 'a' },
    ]);
  });

  it('a tombstone (deleted task) empties the columns', () => {
    const { sync, stored } = open();
    const live = row({ status: 'created', queue: 'gpu', name: 'a' }, 0n);
    sync.write(spec, new Map([['a', live]]));
    sync.write(spec, new Map([['a', row(undefined, 1n)]]), new Map([['a', live]]));
    expect(stored()).toEqual([{ key: 'a', revision: 1, doc: null, status: null, queue: null, name: null }]);
  });
});
