import type { RecordedEvent } from '../../../ports/eventStore';
import { corruptEvent } from '../../../ports/storeErrors';
import { parseJsonObject } from '../storedJson';

export const EVENT_COLUMNS = 'position, stream_name, revision, event_id, type, data, metadata';

const field = (row: object, name: string): unknown => (name in row ? Reflect.get(row, name) : undefined);

/** A row as read with safe integers on; the JSON columns are checked here, at the boundary. */
export const toRecordedEvent = (row: unknown): RecordedEvent => {
  if (typeof row !== 'object' || row === null) throw corruptEvent(0n, 'row is not an object');
  const position = field(row, 'position');
  if (typeof position !== 'bigint') throw corruptEvent(0n, 'position is not an integer');
  const streamName = field(row, 'stream_name');
  const revision = field(row, 'revision');
  const id = field(row, 'event_id');
  const type = field(row, 'type');
  if (
    typeof streamName !== 'string' ||
    typeof revision !== 'bigint' ||
    typeof id !== 'string' ||
    typeof type !== 'string'
  ) {
    throw corruptEvent(position, 'stream name, revision, id or type has the wrong type');
  }
  return {
    id,
    type,
    streamName,
    revision,
    position,
    data: parseJsonObject(field(row, 'data'), position, 'data'),
    metadata: parseJsonObject(field(row, 'metadata'), position, 'metadata'),
  };
};
