import type Database from 'better-sqlite3';
import type { RecordedEvent } from '../../ports/eventStore';
import { streamNameOf } from '../../domain/task';
import { EVENT_COLUMNS, toRecordedEvent } from '../store/sqlite/sqliteRows';
import { toProjectedEvents } from '../../projections/projectedEvents';
import type { ReadMissingSync } from '../../projections/applyBatch';

/** Reads a task's missed events from the events table, inside the append's transaction. */
export const sqliteReadMissing =
  (db: Database.Database): ReadMissingSync =>
  (taskId, from, to) => {
    const rows = db
      .prepare(
        `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_name = ? AND revision >= ? AND revision <= ? ORDER BY revision`,
      )
      .safeIntegers(true)
      .all(streamNameOf(taskId), from, to);
    return toProjectedEvents(rows.map((row): RecordedEvent => toRecordedEvent(row)));
  };
