import {
  ANY,
  AccessDeniedError,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamDeletedError,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
  type AppendExpectedRevision,
} from '@eventstore/db-client';
import {
  fromAppendExpectedRevision,
  fromCurrentRevision,
  fromEventStoreDBError,
  fromRecordedEvent,
  isStreamMissing,
  isSystemEvent,
  isTransientEventStoreDBError,
  isWrongExpectedVersion,
  matchesOnClient,
  toAppendExpectedRevision,
  toConflict,
  toEventData,
  toPosition,
  toReadPosition,
  toSubscriptionFilter,
  toSubscriptionPosition,
} from '../../../src/adapters/store/eventstoredb/mapping';
import type { ExpectedRevision } from '../../../src/ports/expectedRevision';

const recorded = (
  overrides: Partial<Parameters<typeof fromRecordedEvent>[0]> = {},
): Parameters<typeof fromRecordedEvent>[0] => ({
  streamId: 'task-1',
  id: '5b3f2c0e-1d4a-4f6b-8c9d-0e1f2a3b4c5d',
  type: 'TaskCreated',
  revision: 2n,
  isJson: true,
  data: { title: 'map it' },
  metadata: { commandId: 'c1' },
  position: { commit: 1234n, prepare: 1234n },
  ...overrides,
});

describe('EventStoreDB mapping', () => {
  describe('expected revisions', () => {
    it.each<[ExpectedRevision, AppendExpectedRevision]>([
      ['any', ANY],
      ['no_stream', NO_STREAM],
      ['stream_exists', STREAM_EXISTS],
      [0n, 0n],
      [41n, 41n],
    ])('maps %s to the client constant %s and back', (ours, theirs) => {
      expect(toAppendExpectedRevision(ours)).toBe(theirs);
      expect(fromAppendExpectedRevision(theirs)).toBe(ours);
    });

    it.each<[bigint, ExpectedRevision]>([
      [-1n, 'no_stream'],
      [-2n, 'any'],
      [-4n, 'stream_exists'],
    ])('reads the wire sentinel %s as %s', (wire, ours) => {
      expect(fromAppendExpectedRevision(wire)).toBe(ours);
    });

    it('reads the current revision: a revision, or no stream', () => {
      expect(fromCurrentRevision(7n)).toBe(7n);
      expect(fromCurrentRevision(0n)).toBe(0n);
      expect(fromCurrentRevision(NO_STREAM)).toBeUndefined();
      expect(fromCurrentRevision(-1n)).toBeUndefined();
    });
  });

  describe('errors', () => {
    it('turns WrongExpectedVersionError into our conflict, with what we expected and the actual revision', () => {
      const wrong = new WrongExpectedVersionError(undefined, {
        streamName: 'task-1',
        expected: NO_STREAM,
        current: 3n,
      });
      expect(isWrongExpectedVersion(wrong)).toBe(true);
      expect(toConflict('task-1', 'no_stream', wrong)).toMatchObject({
        code: 'conflict',
        details: { stream: 'task-1', expected: 'no_stream', actual: '3' },
      });
      const missing = new WrongExpectedVersionError(undefined, {
        streamName: 'task-1',
        expected: STREAM_EXISTS,
        current: NO_STREAM,
      });
      expect(toConflict('task-1', 'stream_exists', missing)).toMatchObject({
        details: { expected: 'stream_exists', actual: 'no_stream' },
      });
      expect(toConflict('task-1', 5n, wrong)).toMatchObject({ details: { expected: '5', actual: '3' } });
      expect(isWrongExpectedVersion(new Error('wrong expected version'))).toBe(false);
    });

    it('reads a missing or deleted stream as missing, nothing else', () => {
      expect(isStreamMissing(new StreamNotFoundError(undefined, 'task-1'))).toBe(true);
      expect(isStreamMissing(new StreamDeletedError(undefined, 'task-1'))).toBe(true);
      expect(isStreamMissing(new UnavailableError())).toBe(false);
      expect(isStreamMissing(new Error('stream-not-found'))).toBe(false);
    });

    it('reports an unreachable server as store_unavailable and leaves other errors as they are', () => {
      expect(fromEventStoreDBError(new UnavailableError())).toMatchObject({ code: 'store_unavailable' });
      expect(fromEventStoreDBError(new AccessDeniedError())).toMatchObject({ code: 'store_unavailable' });
      const bug = new TypeError('undefined is not a function');
      expect(fromEventStoreDBError(bug)).toBe(bug);
      const ours = toConflict('task-1', 'any', { actualVersion: 1n });
      expect(fromEventStoreDBError(ours)).toBe(ours);
    });
  });

  it('retries only what may pass: an unreachable server, not refused credentials or a bug', () => {
    expect(isTransientEventStoreDBError(new UnavailableError())).toBe(true);
    expect(isTransientEventStoreDBError(new AccessDeniedError())).toBe(false);
    expect(isTransientEventStoreDBError(new TypeError('x is undefined'))).toBe(false);
  });

  describe('positions', () => {
    it('is the commit position, with prepare rebuilt from it', () => {
      expect(toPosition(1234n)).toEqual({ commit: 1234n, prepare: 1234n });
    });

    it('starts a read (inclusive) at the start for 0 or nothing, else at the position', () => {
      expect(toReadPosition(undefined)).toBe(START);
      expect(toReadPosition(0n)).toBe(START);
      expect(toReadPosition(99n)).toEqual({ commit: 99n, prepare: 99n });
    });

    it('starts a subscription (exclusive) at the start for 0 or nothing, else after the position', () => {
      expect(toSubscriptionPosition(undefined)).toBe(START);
      expect(toSubscriptionPosition(0n)).toBe(START);
      expect(toSubscriptionPosition(99n)).toEqual({ commit: 99n, prepare: 99n });
    });
  });

  describe('filters', () => {
    const regexOf = (filter: ReturnType<typeof toSubscriptionFilter>) => {
      if (!('regex' in filter)) throw new Error(`expected a regex filter, got ${JSON.stringify(filter)}`);
      return new RegExp(filter.regex);
    };

    it('filters by stream prefix on the server when given', () => {
      const filter = toSubscriptionFilter({
        streamPrefixes: ['task-', 'audit-'],
        eventTypes: ['TaskCreated'],
      });
      expect(filter).toMatchObject({ filterOn: 'streamName', prefixes: ['task-', 'audit-'] });
    });

    it('filters by exact event type otherwise, with regex characters escaped', () => {
      const filter = toSubscriptionFilter({ eventTypes: ['TaskCreated', 'a.b+c'] });
      expect(filter.filterOn).toBe('eventType');
      const regex = regexOf(filter);
      expect(regex.test('TaskCreated')).toBe(true);
      expect(regex.test('a.b+c')).toBe(true);
      expect(regex.test('TaskCreatedLater')).toBe(false);
      expect(regex.test('axb+c')).toBe(false);
      expect(regex.test('$metadata')).toBe(false);
    });

    it('drops system events when there is no filter', () => {
      const filter = toSubscriptionFilter(undefined);
      expect(filter.filterOn).toBe('eventType');
      expect(regexOf(filter).test('$statsCollected')).toBe(false);
      expect(regexOf(filter).test('TaskCreated')).toBe(true);
    });

    it('matches nothing for empty lists, as our filter does', () => {
      expect(regexOf(toSubscriptionFilter({ eventTypes: [] })).test('TaskCreated')).toBe(false);
      expect('prefixes' in toSubscriptionFilter({ streamPrefixes: [] })).toBe(false);
      expect(regexOf(toSubscriptionFilter({ streamPrefixes: [] })).test('TaskCreated')).toBe(false);
    });

    it('checks on the client what the server could not, and always drops system events', () => {
      const filter = { streamPrefixes: ['task-'], eventTypes: ['TaskCreated'] };
      expect(matchesOnClient(filter, { streamId: 'task-1', type: 'TaskCreated' })).toBe(true);
      expect(matchesOnClient(filter, { streamId: 'task-1', type: 'TaskStarted' })).toBe(false);
      expect(matchesOnClient(undefined, { streamId: '$stats-1', type: 'TaskCreated' })).toBe(false);
      expect(matchesOnClient(undefined, { streamId: 'task-1', type: '$>' })).toBe(false);
      expect(isSystemEvent({ streamId: 'task-1', type: 'TaskCreated' })).toBe(false);
    });
  });

  describe('events', () => {
    it('appends our event as a JSON event under our id', () => {
      const event = {
        id: '5b3f2c0e-1d4a-4f6b-8c9d-0e1f2a3b4c5d',
        type: 'TaskCreated',
        data: { a: 1 },
        metadata: { m: 2 },
      };
      expect(toEventData(event)).toEqual({ ...event, contentType: 'application/json' });
    });

    it('reads a recorded JSON event back as ours, at its commit position', () => {
      expect(fromRecordedEvent(recorded())).toEqual({
        id: '5b3f2c0e-1d4a-4f6b-8c9d-0e1f2a3b4c5d',
        type: 'TaskCreated',
        streamName: 'task-1',
        revision: 2n,
        position: 1234n,
        data: { title: 'map it' },
        metadata: { commandId: 'c1' },
      });
      expect(fromRecordedEvent(recorded({ position: undefined }), 77n).position).toBe(77n);
    });

    it.each([
      ['binary data', { isJson: false, data: new Uint8Array([1, 2]) }, 'data is not JSON'],
      [
        'malformed JSON (the client hands back the text)',
        { data: '{"title": ' },
        'data is not a JSON object',
      ],
      ['a JSON array', { data: [1, 2] }, 'data is not a JSON object'],
      [
        'metadata that did not parse (bytes)',
        { metadata: new Uint8Array([123]) },
        'metadata is not a JSON object',
      ],
      ['no metadata', { metadata: undefined }, 'metadata is not a JSON object'],
    ])('reports %s as corrupt_event at its position', (_, overrides, reason) => {
      expect(() => fromRecordedEvent(recorded(overrides))).toThrow(
        expect.objectContaining({
          code: 'corrupt_event',
          details: expect.objectContaining({ position: '1234', reason }),
        }),
      );
    });

    it('reports an event without a position as store_unavailable (a server too old)', () => {
      expect(() => fromRecordedEvent(recorded({ position: undefined }))).toThrow(
        expect.objectContaining({ code: 'store_unavailable' }),
      );
    });
  });
});
