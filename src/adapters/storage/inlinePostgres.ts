import type { PoolClient } from 'pg';
import { streamNameOf } from '../../domain/task';
import { EVENT_COLUMNS, toRecordedEvent } from '../store/postgres/postgresRows';
import { toProjectedEvents } from '../../projections/projectedEvents';
import type { ReadMissing } from '../../projections/applyBatch';

/** Reads a task's missed events through the append's own client (it sees its own rows too). */
export const postgresReadMissing =
  (client: PoolClient, schema: string): ReadMissing =>
  async (taskId, from, to) => {
    const result = await client.query(
      `SELECT ${EVENT_COLUMNS} FROM "${schema}".events e WHERE e.stream_name = $1 AND e.revision BETWEEN $2 AND $3 ORDER BY e.revision`,
      [streamNameOf(taskId), from.toString(), to.toString()],
    );
    return toProjectedEvents(result.rows.map(toRecordedEvent));
  };
