import { randomUUID } from 'node:crypto';
import {
  getPostgreSQLEventStore,
  type PostgreSQLEventStore,
} from '../../../src/adapters/store/postgres/postgresEventStore';
import type { RecordedEvent } from '../../../src/ports/eventStore';
import { expectStrictlyIncreasing } from '../../contract/contractSupport';
import { describeWithPostgres, getTestSchemas } from '../../support/postgres';

const WRITERS = 8;
const EVENTS_PER_WRITER = 2_500;
const STREAMS_PER_WRITER = 50;

const schemas = getTestSchemas('concurrency');
afterAll(schemas.dropAll);

/**
 * Issue 3, acceptance (a): positions commit out of order under concurrent writers; a reader
 * must still get every event exactly once, in position order, none skipped.
 */
describeWithPostgres('postgres store under concurrent writers', (connectionString) => {
  it(`delivers all ${WRITERS * EVENTS_PER_WRITER} events of ${WRITERS} writers on separate pools to a live subscriber, once each, in order`, async () => {
    const schema = schemas.make();
    const open = () => getPostgreSQLEventStore({ connectionString, schema, pollIntervalMs: 50 });
    const reader = open();
    await reader.ensureSchema();
    const writers: PostgreSQLEventStore[] = Array.from({ length: WRITERS }, open);
    const appended = new Set<string>();
    const total = WRITERS * EVENTS_PER_WRITER;

    // Appended once every writer is done: when the subscriber reaches it, anything it skipped
    // shows as a count that is short, at once rather than as a timeout.
    const sentinel = { id: randomUUID(), type: 'WritersDone', data: {}, metadata: {} };
    const received: RecordedEvent[] = [];
    const subscribing = (async () => {
      for await (const message of reader.subscribeToAll({ from: 'start' })) {
        if (message.kind !== 'event') continue;
        if (message.event.id === sentinel.id) return;
        received.push(message.event);
      }
    })();

    const write = async (store: PostgreSQLEventStore, writer: number) => {
      const revisions = new Map<string, bigint>();
      for (let i = 0; i < EVENTS_PER_WRITER;) {
        // Mostly single events, some pairs: multi-event appends share a transaction's positions.
        const count = i % 7 === 0 && i + 1 < EVENTS_PER_WRITER ? 2 : 1;
        const stream = `task-w${writer}-${i % STREAMS_PER_WRITER}`;
        const events = Array.from({ length: count }, () => ({
          id: randomUUID(),
          type: 'TaskCreated',
          data: { writer, i },
          metadata: {},
        }));
        const result = await store.appendToStream(stream, events, {
          expectedRevision: revisions.get(stream) ?? 'no_stream',
        });
        revisions.set(stream, result.nextExpectedRevision);
        for (const event of events) appended.add(event.id);
        i += count;
      }
    };

    try {
      await Promise.all(writers.map(write));
      await reader.appendToStream('writers-done', [sentinel], { expectedRevision: 'no_stream' });
      await subscribing;
      expect(appended.size).toBe(total);
      expect(received).toHaveLength(total);
      expect(new Set(received.map((e) => e.id)).size).toBe(total);
      expect(received.every((e) => appended.has(e.id))).toBe(true);
      expectStrictlyIncreasing(received.map((e) => e.position));
      // A fresh read of the whole log agrees with what the subscriber saw.
      const all: string[] = [];
      for await (const event of reader.readAll({ batchSize: 777 })) all.push(event.id);
      expect(all).toEqual([...received.map((e) => e.id), sentinel.id]);
    } finally {
      await Promise.all([...writers, reader].map((store) => store.close()));
    }
  }, 120_000);
});
