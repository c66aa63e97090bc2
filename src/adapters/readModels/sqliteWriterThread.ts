import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { FromWriter, ToWriter, WriterCommit, WriterSettings } from './sqliteWriterProtocol';
import { SET_CHECKPOINT_SQL, upsertRowSql } from './sqliteRowSql';

/**
 * The rebuild's writer thread (see sqliteBackgroundWriter.ts): its own connection to the file,
 * committing each batch's rows with their checkpoints while the main thread reads and folds the
 * next. WAL lets this one writer commit while the main connection reads.
 */
const settings = workerData as WriterSettings;
const db = new Database(settings.path);
db.pragma(`busy_timeout = ${Math.trunc(settings.busyTimeoutMs)}`);
// Rebuild batches need not be durable (TransactionOptions.durable): the rebuild's last commit,
// on the main connection, is, and makes these durable with it.
db.pragma('synchronous = NORMAL');
// The connection that commits is the one that checkpoints the WAL: this one, meanwhile.
db.pragma(`wal_autocheckpoint = ${Math.trunc(settings.walAutocheckpointPages)}`);

const upserts = new Map<string, Database.Statement>();
const upsertOf = (table: string, columns: readonly string[]) => {
  let upsert = upserts.get(table);
  if (upsert === undefined) upserts.set(table, (upsert = db.prepare(upsertRowSql(table, columns))));
  return upsert;
};
const setCheckpoint = db.prepare(SET_CHECKPOINT_SQL);

const commit = db.transaction(({ tables, checkpoints }: WriterCommit) => {
  for (const { table, columns, docs, rest } of tables) {
    const upsert = upsertOf(table, columns);
    const values = JSON.parse(rest) as (string | number | null)[];
    const width = 2 + columns.length;
    docs.split('\n').forEach((doc, row) => {
      const at = row * width;
      upsert.run(values[at], values[at + 1], doc === '' ? null : doc, ...values.slice(at + 2, at + width));
    });
  }
  for (const { name, checkpoint } of checkpoints)
    setCheckpoint.run(name, checkpoint.version, checkpoint.position);
});

const port = parentPort;
if (port === null) throw new Error('sqliteWriterThread runs as a worker thread');
const answer = (message: FromWriter) => port.postMessage(message);

// After a failed commit none other may land: a later batch's rows and checkpoint build on it.
let failure: string | undefined;

port.on('message', (message: ToWriter) => {
  if (message.kind === 'close') {
    db.close();
    port.close();
    return;
  }
  if (failure !== undefined) {
    answer({ kind: 'failed', id: message.id, message: `an earlier commit failed: ${failure}` });
    return;
  }
  try {
    // IMMEDIATE: take the write lock up front, waiting (busy timeout) for another process's append.
    commit.immediate(message);
    answer({ kind: 'committed', id: message.id });
  } catch (e) {
    failure = e instanceof Error ? e.message : String(e);
    const code = e instanceof Error && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
    answer({
      kind: 'failed',
      id: message.id,
      message: failure,
      ...(code === undefined ? {} : { code }),
    });
  }
});
