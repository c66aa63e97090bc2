import Database from 'better-sqlite3';
import { migrateSQLiteSchema } from '../../src/adapters/store/sqlite/sqliteSchema';
import { interleavedLifecycles } from './engineEvents';
import { EVENTS_PER_TASK } from './lifecycle';
import { tempSQLiteFile } from './tempStores';
import { atEnd } from './cleanup';
import { progress } from './progress';
import { runChild } from './child';

export type GeneratedLog = { readonly path: string; readonly events: number; readonly seconds: number };

const logs = new Map<number, Promise<GeneratedLog>>();

/**
 * Writes `events` events (whole lifecycles of 10) into a fresh SQLite store file, in the
 * store's own schema and the engine's own event shape and hash chain (engineEvents.ts), as 8
 * callers would interleave them — straight through better-sqlite3 with synchronous OFF, because
 * making the log is not what is measured. Then one engine opens it and folds its read models
 * once, so every timed `rebuild()` starts from the same caught-up file.
 */
const generate = async (events: number): Promise<GeneratedLog> => {
  const started = performance.now();
  const file = tempSQLiteFile('log');
  atEnd(file.cleanup);
  const db = new Database(file.path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  migrateSQLiteSchema(db);
  const insert = db.prepare(
    'INSERT INTO events (stream_name, revision, event_id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const tasks = Math.ceil(events / EVENTS_PER_TASK);
  let batch: unknown[][] = [];
  const flush = db.transaction((rows: unknown[][]) => {
    for (const row of rows) insert.run(...row);
  });
  let written = 0;
  for (const e of interleavedLifecycles(tasks, { prefix: 't', callers: 8 })) {
    batch.push([e.streamName, e.revision, e.id, e.type, e.dataJson, e.metadataJson]);
    if (batch.length === 10_000) {
      flush.immediate(batch);
      written += batch.length;
      batch = [];
      if (written % 100_000 === 0) progress(`generating the log: ${written} events`);
    }
  }
  flush.immediate(batch);
  written += batch.length;
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  progress(`generated ${written} events in ${((performance.now() - started) / 1000).toFixed(1)} s; folding read models once`);
  await runChild('rebuildChild.ts', { path: file.path, mode: 'prepare' });
  return { path: file.path, events: written, seconds: (performance.now() - started) / 1000 };
};

/** The log of `events` events for this run, made on first use and shared by rebuild and verify. */
export const generatedLog = (events: number): Promise<GeneratedLog> => {
  let log = logs.get(events);
  if (log === undefined) {
    log = generate(events);
    logs.set(events, log);
  }
  return log;
};
