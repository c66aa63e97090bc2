import type { RecordedEvent } from '../../../ports/eventStore';
import { corruptEvent } from '../../../ports/storeErrors';
import { requireJsonObject } from '../storedJson';

/**
 * bigints as text (pg's default for int8, made explicit). Queries order by the table's columns
 * (`e.position`), never by these text aliases, which would sort 10 before 9.
 */
export const EVENT_COLUMNS =
  'e.position::text AS position, e.stream_name, e.revision::text AS revision, e.event_id, e.type, e.data, e.metadata';

const field = (row: unknown, name: string): unknown =>
  typeof row === 'object' && row !== null ? Reflect.get(row, name) : undefined;

export const bigintField = (row: unknown, name: string): bigint | undefined => {
  const value = field(row, name);
  return typeof value === 'string' && /^-?\d+$/.test(value) ? BigInt(value) : undefined;
};

export const stringField = (row: unknown, name: string): string | undefined => {
  const value = field(row, name);
  return typeof value === 'string' ? value : undefined;
};

/** A row with bigints read as text (pg's default for int8) and jsonb already parsed by pg. */
export const toRecordedEvent = (row: unknown): RecordedEvent => {
  const position = bigintField(row, 'position');
  if (position === undefined) throw corruptEvent(0n, 'position is not an integer');
  const streamName = stringField(row, 'stream_name');
  const revision = bigintField(row, 'revision');
  const id = stringField(row, 'event_id');
  const type = stringField(row, 'type');
  if (streamName === undefined || revision === undefined || id === undefined || type === undefined) {
    throw corruptEvent(position, 'stream name, revision, id or type has the wrong type');
  }
  return {
    id,
    type,
    streamName,
    revision,
    position,
    data: requireJsonObject(field(row, 'data'), position, 'data'),
    metadata: requireJsonObject(field(row, 'metadata'), position, 'metadata'),
  };
};
