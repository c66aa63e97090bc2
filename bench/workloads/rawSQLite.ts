import Database from 'better-sqlite3';
import { migrateSQLiteSchema } from '../../src/adapters/store/sqlite/sqliteSchema';
import { figureOf } from '../lib/figures';
import { rawEvents, timed } from '../lib/rawEvents';
import { tempSQLiteFile } from '../lib/tempStores';
import { repeat, BenchContext } from '../lib/workload';
import type { BenchEvent } from '../lib/engineEvents';
import { scanRate } from '../lib/sqliteScan';

type Synchronous = 'FULL' | 'NORMAL';

/** The store's own file settings and table (its migration), nothing of the engine above it. */
const openRaw = (path: string, synchronous: Synchronous) => {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  migrateSQLiteSchema(db);
  const insert = db.prepare(
    'INSERT INTO events (stream_name, revision, event_id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const write = (e: BenchEvent) => insert.run(e.streamName, e.revision, e.id, e.type, e.dataJson, e.metadataJson);
  return { db, write };
};

/** Inserts into a fresh file; `perTransaction` events per BEGIN IMMEDIATE … COMMIT. */
export const insertRate = async (events: readonly BenchEvent[], synchronous: Synchronous, perTransaction: number) => {
  const file = tempSQLiteFile('raw');
  const { db, write } = openRaw(file.path, synchronous);
  try {
    const commit = db.transaction((batch: readonly BenchEvent[]) => {
      for (const e of batch) write(e);
    });
    return await timed(events.length, () => {
      for (let i = 0; i < events.length; i += perTransaction) commit.immediate(events.slice(i, i + perTransaction));
    });
  } finally {
    db.close();
    await file.cleanup();
  }
};

const scanOfFresh = async (events: readonly BenchEvent[]) => {
  const file = tempSQLiteFile('rawscan');
  const { db, write } = openRaw(file.path, 'NORMAL');
  db.transaction(() => events.forEach(write)).immediate();
  db.close();
  try {
    return scanRate(file.path).rate;
  } finally {
    await file.cleanup();
  }
};

/**
 * The SQLite limits at the engine's durability: WAL with synchronous FULL, one transaction per
 * event (what one append at a time costs) and 1,000 per transaction (what batching can reach);
 * NORMAL for reference; and a full scan with JSON.parse.
 */
export const rawSQLite = async (ctx: BenchContext) => {
  const events = rawEvents(ctx.sizes.rawStreams);
  const values = await repeat(ctx.runs, async () => ({
    full: await insertRate(events, 'FULL', 1),
    normal: await insertRate(events, 'NORMAL', 1),
    batched: await insertRate(events, 'FULL', 1_000),
    scan: await scanOfFresh(events),
  }));
  const store = 'sqlite';
  const unit = 'events/s';
  ctx.emit(figureOf({ name: 'raw.insert.tx-per-event', store, unit, note: 'WAL, synchronous=FULL' }, values.full));
  ctx.emit(figureOf({ name: 'raw.insert.tx-per-event.normal', store, unit, note: 'WAL, synchronous=NORMAL' }, values.normal));
  ctx.emit(figureOf({ name: 'raw.insert.batched1000', store, unit, note: 'WAL, synchronous=FULL' }, values.batched));
  ctx.emit(figureOf({ name: 'raw.scan', store, unit, note: `${events.length} rows, iterate + JSON.parse` }, values.scan));
};
