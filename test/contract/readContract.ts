import type { EventStore } from '../../src/ports/eventStore';
import { readAllInBatches } from '../../src/ports/eventStore';
import {
  anEvent,
  collect,
  expectStrictlyIncreasing,
  idsOf,
  someEvents,
  streamsFor,
  type ContractContext,
} from './contractSupport';

export const describeReadContract = <S extends EventStore>({ store }: ContractContext<S>) => {
  describe('readStream', () => {
    it('reads a missing stream as empty', async () => {
      const { stream } = streamsFor();
      expect(await collect(store().readStream(stream('missing')))).toEqual([]);
      expect(await collect(store().readStream(stream('missing'), { direction: 'backwards' }))).toEqual([]);
    });

    it('reads forwards and backwards, from and to a revision, at most maxCount', async () => {
      const { stream } = streamsFor();
      await store().appendToStream(stream('a'), someEvents(6), { expectedRevision: 'no_stream' });
      const revisions = async (options: Parameters<EventStore['readStream']>[1]) =>
        (await collect(store().readStream(stream('a'), options))).map((e) => Number(e.revision));
      expect(await revisions({})).toEqual([0, 1, 2, 3, 4, 5]);
      expect(await revisions({ direction: 'backwards' })).toEqual([5, 4, 3, 2, 1, 0]);
      expect(await revisions({ fromRevision: 2n })).toEqual([2, 3, 4, 5]);
      expect(await revisions({ fromRevision: 2n, toRevision: 4n })).toEqual([2, 3, 4]);
      expect(await revisions({ fromRevision: 1n, maxCount: 2 })).toEqual([1, 2]);
      expect(await revisions({ direction: 'backwards', fromRevision: 3n })).toEqual([3, 2, 1, 0]);
      expect(await revisions({ direction: 'backwards', fromRevision: 4n, toRevision: 2n })).toEqual([
        4, 3, 2,
      ]);
      expect(await revisions({ direction: 'backwards', maxCount: 2 })).toEqual([5, 4]);
      expect(await revisions({ fromRevision: 6n })).toEqual([]);
    });

    it('reads a stream longer than one batch, both ways', async () => {
      const { stream } = streamsFor();
      const events = someEvents(1100);
      await store().appendToStream(stream('long'), events, { expectedRevision: 'no_stream' });
      expect(idsOf(await collect(store().readStream(stream('long'))))).toEqual(idsOf(events));
      expect(idsOf(await collect(store().readStream(stream('long'), { direction: 'backwards' })))).toEqual(
        idsOf(events).reverse(),
      );
      const middle = await collect(store().readStream(stream('long'), { fromRevision: 450n, maxCount: 600 }));
      expect(middle.map((e) => Number(e.revision))).toEqual(Array.from({ length: 600 }, (_, i) => 450 + i));
    });
  });

  describe('readAll', () => {
    /** Events over three streams and two types, appended one by one: the log order is known. */
    const appendMixed = async () => {
      const streams = streamsFor();
      const appended = [];
      for (let i = 0; i < 10; i++) {
        const event = anEvent(i % 3 === 0 ? 'TaskStarted' : 'TaskCreated', { n: i });
        const name = streams.stream(i % 2 === 0 ? `even-${i % 4}` : 'odd');
        const result = await store().appendToStream(name, [event], { expectedRevision: 'any' });
        appended.push({ ...event, streamName: name, position: result.position });
      }
      return { ...streams, appended };
    };

    it('reads every event once, in the order appended, at strictly increasing positions', async () => {
      const { appended, filter } = await appendMixed();
      const read = await collect(store().readAll({ filter }));
      expect(idsOf(read)).toEqual(idsOf(appended));
      expect(read.map((e) => e.position)).toEqual(appended.map((e) => e.position));
      expectStrictlyIncreasing(read.map((e) => e.position));
      expect(read.every((e) => e.position > 0n)).toBe(true);
    });

    it('reads from a position, inclusive, and at most maxCount', async () => {
      const { appended, filter } = await appendMixed();
      const from = appended[4]?.position;
      expect(idsOf(await collect(store().readAll({ fromPosition: from, filter })))).toEqual(
        idsOf(appended.slice(4)),
      );
      expect(idsOf(await collect(store().readAll({ fromPosition: from, filter, maxCount: 3 })))).toEqual(
        idsOf(appended.slice(4, 7)),
      );
    });

    it('reads without a filter from a position: all of them, in order', async () => {
      const { appended, prefix } = await appendMixed();
      const read = await collect(store().readAll({ fromPosition: appended[0]?.position }));
      // A shared log (EventStoreDB) may interleave other writers' events; ours keep their order.
      expect(idsOf(read.filter((e) => e.streamName.startsWith(prefix)))).toEqual(idsOf(appended));
      expectStrictlyIncreasing(read.map((e) => e.position));
    });

    it('reads in batches smaller than the data without losing or repeating an event', async () => {
      const { appended, filter } = await appendMixed();
      expect(idsOf(await collect(store().readAll({ filter, batchSize: 3 })))).toEqual(idsOf(appended));
      expect(idsOf(await collect(store().readAll({ filter, batchSize: 1, maxCount: 5 })))).toEqual(
        idsOf(appended.slice(0, 5)),
      );
    });

    it('reads in batches (its own readAllBatches, or readAll grouped): the same events, none empty, none too big', async () => {
      const { appended, filter } = await appendMixed();
      const batches = await collect(readAllInBatches(store(), { filter, batchSize: 3 }));
      expect(idsOf(batches.flat())).toEqual(idsOf(appended));
      expect(batches.every((b) => b.length > 0 && b.length <= 3)).toBe(true);
      const capped = await collect(readAllInBatches(store(), { filter, batchSize: 2, maxCount: 5 }));
      expect(idsOf(capped.flat())).toEqual(idsOf(appended.slice(0, 5)));
    });

    it('filters by event type and by stream prefix, together or apart', async () => {
      const { appended, prefix, stream } = await appendMixed();
      const started = appended.filter((e) => e.type === 'TaskStarted');
      const even = appended.filter((e) => e.streamName.startsWith(stream('even-')));
      expect(
        idsOf(
          await collect(
            store().readAll({ filter: { eventTypes: ['TaskStarted'], streamPrefixes: [prefix] } }),
          ),
        ),
      ).toEqual(idsOf(started));
      expect(
        idsOf(await collect(store().readAll({ filter: { streamPrefixes: [stream('even-')] } }))),
      ).toEqual(idsOf(even));
      expect(
        idsOf(
          await collect(
            store().readAll({ filter: { streamPrefixes: [stream('even-'), stream('odd')] }, batchSize: 2 }),
          ),
        ),
      ).toEqual(idsOf(appended));
      const byType = await collect(
        store().readAll({
          fromPosition: appended[0]?.position,
          filter: { eventTypes: ['TaskStarted'] },
          batchSize: 2,
        }),
      );
      expect(byType.every((e) => e.type === 'TaskStarted')).toBe(true);
      expect(idsOf(byType.filter((e) => e.streamName.startsWith(prefix)))).toEqual(idsOf(started));
      expect(
        await collect(store().readAll({ filter: { eventTypes: ['NoSuchType'], streamPrefixes: [prefix] } })),
      ).toEqual([]);
    });
  });
};
