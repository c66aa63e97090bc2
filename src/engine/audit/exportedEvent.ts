import * as t from 'io-ts';
import { isLeft } from 'fp-ts/Either';
import type { RecordedEvent, EventToAppend } from '../../ports/eventStore';
import { strictObject, decodeWith } from '../../domain/decode';
import { invalidRequest } from '../../domain/errors';
import { decodeTaskEvent } from '../../domain/events';
import { TASK_STREAM_PREFIX } from '../../domain/task';
import { NonNegativeBigInt } from './auditCodecs';

/**
 * One line of an exported history: an event as its store recorded it. The event id, data and
 * metadata (with the hash) travel unchanged, so the copy verifies like the original; the
 * position is informative only, the importing store assigns its own.
 */
export const ExportedEvent = strictObject(
  'ExportedEvent',
  {
    stream: t.string,
    revision: NonNegativeBigInt,
    id: t.string,
    type: t.string,
    data: t.UnknownRecord,
    metadata: t.UnknownRecord,
  },
  { position: NonNegativeBigInt },
);
export type ExportedEvent = t.TypeOf<typeof ExportedEvent>;

/** Numbers while they are exact, decimal strings beyond: JSON readers lose bigger integers. */
const jsonInteger = (n: bigint): number | string =>
  n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString();

export const toExportLine = (event: RecordedEvent): string =>
  JSON.stringify({
    stream: event.streamName,
    revision: jsonInteger(event.revision),
    position: jsonInteger(event.position),
    id: event.id,
    type: event.type,
    data: event.data,
    metadata: event.metadata,
  });

const decodeLine = decodeWith(ExportedEvent, 'exported event');

/**
 * Parses and checks one exported line (1-based `line` for the message): it must be JSON, have the
 * line's shape, belong to a task stream and decode as a task event. Any failure is
 * `invalid_request` naming the line.
 */
export const parseExportLine = (text: string, line: number): ExportedEvent => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw invalidRequest(
      `line ${line}: not JSON (${error instanceof Error ? error.message : String(error)})`,
      '',
      { line },
    );
  }
  const decoded = decodeLine(json);
  if (isLeft(decoded))
    throw invalidRequest(
      `line ${line}: ${decoded.left.message}`,
      String(decoded.left.details['path'] ?? ''),
      { line },
    );
  const event = decoded.right;
  if (!event.stream.startsWith(TASK_STREAM_PREFIX))
    throw invalidRequest(`line ${line}: stream ${event.stream} is not a task stream`, 'stream', { line });
  const asTaskEvent = decodeTaskEvent(event);
  if (isLeft(asTaskEvent))
    throw invalidRequest(
      `line ${line}: ${asTaskEvent.left.message}`,
      String(asTaskEvent.left.details['path'] ?? ''),
      { line },
    );
  return event;
};

export const toEventToAppend = (event: ExportedEvent): EventToAppend => ({
  id: event.id,
  type: event.type,
  data: event.data,
  metadata: event.metadata,
});
