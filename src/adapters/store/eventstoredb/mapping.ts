import {
  ANY,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  ErrorType,
  eventTypeFilter,
  excludeSystemEvents,
  isCommandError,
  jsonEvent,
  streamNameFilter,
  type AppendExpectedRevision,
  type CurrentRevision,
  type Filter,
  type Position,
  type ReadPosition,
} from '@eventstore/db-client';
import { isTaskledgerError } from '../../../domain/errors';
import {
  matchesFilter,
  type EventFilter,
  type EventToAppend,
  type RecordedEvent,
} from '../../../ports/eventStore';
import { conflict, type ExpectedRevision } from '../../../ports/expectedRevision';
import { corruptEvent, storeUnavailable } from '../../../ports/storeErrors';
import { isJsonObject, requireJsonObject } from '../storedJson';

/**
 * Everything between our port and @eventstore/db-client that needs no server: revisions,
 * positions, filters, events and errors. Kept apart from client.ts so moving to
 * @kurrent/kurrentdb-client (renamed option and error fields) touches as little as possible.
 */

export const toAppendExpectedRevision = (expected: ExpectedRevision): AppendExpectedRevision => {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      return expected;
  }
};

// On the wire the sentinels are negative numbers, and the client passes some through as bigints.
const WIRE_NO_STREAM = -1n;
const WIRE_ANY = -2n;
const WIRE_STREAM_EXISTS = -4n;

export const fromAppendExpectedRevision = (value: AppendExpectedRevision): ExpectedRevision => {
  switch (value) {
    case ANY:
    case WIRE_ANY:
      return 'any';
    case NO_STREAM:
    case WIRE_NO_STREAM:
      return 'no_stream';
    case STREAM_EXISTS:
    case WIRE_STREAM_EXISTS:
      return 'stream_exists';
    default:
      return value;
  }
};

/** The revision of the stream's last event, or undefined when it has none. */
export const fromCurrentRevision = (value: CurrentRevision): bigint | undefined =>
  value === NO_STREAM || value < 0n ? undefined : value;

/** `expected` is what we sent (the server's echo of it may be a wire number). */
export const toConflict = (
  stream: string,
  expected: ExpectedRevision,
  error: { actualVersion: CurrentRevision },
) => conflict(stream, expected, fromCurrentRevision(error.actualVersion));

export const isWrongExpectedVersion = (e: unknown): e is { actualVersion: CurrentRevision } =>
  e instanceof Error && isCommandError(e) && e.type === ErrorType.WRONG_EXPECTED_VERSION;

/** Reading a missing (or deleted) stream is an empty read in our port, an error in the client. */
export const isStreamMissing = (e: unknown) =>
  e instanceof Error &&
  isCommandError(e) &&
  (e.type === ErrorType.STREAM_NOT_FOUND || e.type === ErrorType.STREAM_DELETED);

// Worth a retry (a resubscription): the server or the way to it is away for now.
const TRANSIENT = new Set<string>([
  ErrorType.UNAVAILABLE,
  ErrorType.DEADLINE_EXCEEDED,
  ErrorType.TIMEOUT,
  ErrorType.CANCELLED,
  ErrorType.NOT_LEADER,
]);

export const isTransientEventStoreDBError = (e: unknown) =>
  e instanceof Error && isCommandError(e) && TRANSIENT.has(e.type);

/** Unreachable now, or not for us (refused credentials): either way the store cannot be used. */
export const isEventStoreDBUnavailable = (e: unknown) =>
  isTransientEventStoreDBError(e) ||
  (e instanceof Error && isCommandError(e) && e.type === ErrorType.ACCESS_DENIED);

/** Our errors pass through; a lost or refused server becomes `store_unavailable`; anything else stays as it is. */
export const fromEventStoreDBError = (e: unknown): unknown =>
  isTaskledgerError(e) ? e : isEventStoreDBUnavailable(e) ? storeUnavailable('eventstoredb', e) : e;

export const toEventData = (event: EventToAppend) =>
  jsonEvent({ id: event.id, type: event.type, data: { ...event.data }, metadata: { ...event.metadata } });

/**
 * Our position is the commit position. Events appended over gRPC have prepare = commit, so the
 * pair is rebuilt from it (a database with legacy TCP transactions would need both stored).
 */
export const toPosition = (position: bigint): Position => ({ commit: position, prepare: position });

/** Inclusive, as our readAll's `fromPosition`: 0n, "before the first", is the start. */
export const toReadPosition = (fromPosition: bigint | undefined): ReadPosition =>
  fromPosition === undefined || fromPosition <= 0n ? START : toPosition(fromPosition);

/** Exclusive, as our subscription's `after`. */
export const toSubscriptionPosition = (after: bigint | undefined): ReadPosition =>
  after === undefined || after <= 0n ? START : toPosition(after);

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\#\s]/g, '\\$&');

/**
 * The server filters on stream name or on event type, not both: with both, the stream prefixes
 * go to the server and the types are checked here (`matchesOnClient`). Without a filter the
 * server still drops system events, which are not ours.
 */
export const toSubscriptionFilter = (filter: EventFilter | undefined): Filter => {
  const checkpointInterval = 10;
  if (filter?.streamPrefixes !== undefined) {
    if (filter.streamPrefixes.length === 0) return eventTypeFilter({ regex: '(?!)', checkpointInterval });
    return streamNameFilter({ prefixes: [...filter.streamPrefixes], checkpointInterval });
  }
  if (filter?.eventTypes !== undefined) {
    const alternatives = filter.eventTypes.map(escapeRegex).join('|');
    return eventTypeFilter({
      regex: filter.eventTypes.length === 0 ? '(?!)' : `^(?:${alternatives})$`,
      checkpointInterval,
    });
  }
  return excludeSystemEvents({ checkpointInterval });
};

type ClientRecordedEvent = {
  readonly streamId: string;
  readonly id: string;
  readonly type: string;
  readonly revision: bigint;
  readonly isJson: boolean;
  readonly data: unknown;
  readonly metadata: unknown;
  readonly position?: Position;
};

/** System events ($-prefixed type or stream) live in $all too; they are the server's, never ours. */
export const isSystemEvent = (event: Pick<ClientRecordedEvent, 'type' | 'streamId'>) =>
  event.type.startsWith('$') || event.streamId.startsWith('$');

export const matchesOnClient = (
  filter: EventFilter | undefined,
  event: Pick<ClientRecordedEvent, 'type' | 'streamId'>,
) => !isSystemEvent(event) && matchesFilter(filter, { type: event.type, streamName: event.streamId });

/**
 * The client hands malformed JSON back as the raw string and unparsable metadata as bytes:
 * anything but JSON objects is a corrupt event, reported with its position.
 */
export const fromRecordedEvent = (event: ClientRecordedEvent, commitPosition?: bigint): RecordedEvent => {
  const position = event.position?.commit ?? commitPosition;
  if (position === undefined) {
    throw storeUnavailable(
      'eventstoredb',
      `event ${event.id} came without a position (server older than 22.10?)`,
    );
  }
  if (!event.isJson) throw corruptEvent(position, 'data is not JSON', { stream: event.streamId });
  if (!isJsonObject(event.data))
    throw corruptEvent(position, 'data is not a JSON object', { stream: event.streamId });
  return {
    id: event.id,
    type: event.type,
    streamName: event.streamId,
    revision: event.revision,
    position,
    data: event.data,
    metadata: requireJsonObject(event.metadata, position, 'metadata'),
  };
};
