import { PassThrough } from 'node:stream';
import {
  END,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type AllStreamResolvedEvent,
  type AppendExpectedRevision,
  type EventData,
  type EventStoreDBClient,
  type ReadPosition,
  type ReadRevision,
} from '@eventstore/db-client';

type Stored = NonNullable<AllStreamResolvedEvent['event']>;

/**
 * Just enough of EventStoreDB, in memory, to test client.ts where no server runs: sparse
 * commit positions, inclusive reads, exclusive subscription starts, caughtUp, and drops
 * (`dropSubscriptions`). Not a second implementation to trust: the contract suite against a
 * real server (EVENTSTORE_URL) is the judge.
 */
export const getFakeEventStoreDBClient = () => {
  const log: Stored[] = [];
  const live = new Set<{ stream: PassThrough; after: bigint }>();
  const calls = { subscribeToAll: 0 };

  const streamEvents = (name: string) => log.filter((e) => e.streamId === name);

  const appendToStream = async (
    streamName: string,
    events: EventData | EventData[],
    options: { expectedRevision?: AppendExpectedRevision } = {},
  ) => {
    const existing = streamEvents(streamName);
    const current = existing.length === 0 ? 'no_stream' : BigInt(existing.length - 1);
    const expected = options.expectedRevision ?? 'any';
    const matches =
      expected === 'any' ||
      (expected === 'no_stream' && current === 'no_stream') ||
      (expected === 'stream_exists' && current !== 'no_stream') ||
      expected === current;
    if (!matches) throw new WrongExpectedVersionError(undefined, { streamName, expected, current });
    for (const event of Array.isArray(events) ? events : [events]) {
      const commit = BigInt((log.length + 1) * 100);
      const stored = {
        streamId: streamName,
        id: event.id,
        type: event.type,
        revision: BigInt(streamEvents(streamName).length),
        isJson: true,
        data: event.data,
        metadata: event.metadata,
        created: new Date(0),
        position: { commit, prepare: commit },
      } as Stored;
      log.push(stored);
      for (const subscription of live) subscription.stream.write({ event: stored });
    }
    const last = log[log.length - 1];
    return { success: true, nextExpectedRevision: last?.revision ?? -1n, position: last?.position };
  };

  async function* readStream(
    name: string,
    options: { fromRevision?: ReadRevision; direction?: string; maxCount?: number | bigint } = {},
  ) {
    const events = streamEvents(name);
    if (events.length === 0) throw new StreamNotFoundError(undefined, name);
    const forwards = options.direction !== 'backwards';
    const ordered = forwards ? events : [...events].reverse();
    const from = options.fromRevision ?? (forwards ? START : END);
    const selected = ordered.filter((e) =>
      from === START || from === END ? true : forwards ? e.revision >= from : e.revision <= from,
    );
    for (const event of selected.slice(0, Number(options.maxCount ?? Number.MAX_SAFE_INTEGER)))
      yield { event };
  }

  async function* readAll(
    options: { fromPosition?: ReadPosition; direction?: string; maxCount?: number | bigint } = {},
  ) {
    const forwards = options.direction !== 'backwards';
    const ordered = forwards ? log : [...log].reverse();
    const from = options.fromPosition ?? (forwards ? START : END);
    const selected = ordered.filter((e) =>
      from === START || from === END
        ? true
        : forwards
          ? e.position.commit >= from.commit
          : e.position.commit <= from.commit,
    );
    for (const event of selected.slice(0, Number(options.maxCount ?? Number.MAX_SAFE_INTEGER)))
      yield { event };
  }

  const subscribeToAll = (options: { fromPosition?: ReadPosition } = {}) => {
    calls.subscribeToAll++;
    const stream = new PassThrough({ objectMode: true });
    const from = options.fromPosition ?? START;
    const after =
      from === START ? 0n : from === END ? (log[log.length - 1]?.position.commit ?? 0n) : from.commit;
    const subscription = { stream, after };
    setImmediate(() => {
      for (const event of log) if (event.position.commit > after) stream.write({ event });
      stream.emit('caughtUp');
      live.add(subscription);
    });
    stream.on('close', () => live.delete(subscription));
    return Object.assign(stream, {
      unsubscribe: async () => {
        live.delete(subscription);
        stream.end();
      },
    });
  };

  /** Every open subscription fails as a server drop would. */
  const dropSubscriptions = (error: Error) => {
    for (const subscription of [...live]) {
      live.delete(subscription);
      subscription.stream.destroy(error);
    }
  };

  const client = { appendToStream, readStream, readAll, subscribeToAll, dispose: async () => undefined };
  return { client: client as unknown as EventStoreDBClient, dropSubscriptions, calls, log };
};
