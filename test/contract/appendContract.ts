import type { EventStore } from '../../src/ports/eventStore';
import {
  anEvent,
  collect,
  expectFailure,
  idsOf,
  someEvents,
  streamsFor,
  type ContractContext,
} from './contractSupport';

export const describeAppendContract = <S extends EventStore>({ store, options }: ContractContext<S>) => {
  describe('appendToStream', () => {
    it('starts a new stream at revision 0 and answers with the last revision and position', async () => {
      const { stream } = streamsFor();
      const events = someEvents(3);
      const result = await store().appendToStream(stream('a'), events, { expectedRevision: 'no_stream' });
      const stored = await collect(store().readStream(stream('a')));
      expect(stored.map((e) => e.revision)).toEqual([0n, 1n, 2n]);
      expect(idsOf(stored)).toEqual(idsOf(events));
      expect(stored.map((e) => [e.type, e.data, e.metadata, e.streamName])).toEqual(
        events.map((e) => [e.type, e.data, e.metadata, stream('a')]),
      );
      expect(result).toEqual({ nextExpectedRevision: 2n, position: stored[2]?.position });
    });

    it("refuses 'no_stream' on a stream that exists: conflict, expected no_stream, actual 0", async () => {
      const { stream } = streamsFor();
      await store().appendToStream(stream('a'), [anEvent()], { expectedRevision: 'no_stream' });
      await expectFailure(
        store().appendToStream(stream('a'), [anEvent()], { expectedRevision: 'no_stream' }),
        'conflict',
        {
          expected: 'no_stream',
          actual: '0',
        },
      );
      expect(await collect(store().readStream(stream('a')))).toHaveLength(1);
    });

    it("refuses 'stream_exists' on a missing stream, accepts it on an existing one", async () => {
      const { stream } = streamsFor();
      await expectFailure(
        store().appendToStream(stream('a'), [anEvent()], { expectedRevision: 'stream_exists' }),
        'conflict',
        { expected: 'stream_exists', actual: 'no_stream' },
      );
      expect(await collect(store().readStream(stream('a')))).toEqual([]);
      await store().appendToStream(stream('a'), [anEvent()], { expectedRevision: 'no_stream' });
      const result = await store().appendToStream(stream('a'), [anEvent()], {
        expectedRevision: 'stream_exists',
      });
      expect(result.nextExpectedRevision).toBe(1n);
    });

    it('appends at an exact revision when it is the last one, otherwise conflict with expected and actual', async () => {
      const { stream } = streamsFor();
      await expectFailure(
        store().appendToStream(stream('a'), [anEvent()], { expectedRevision: 0n }),
        'conflict',
        {
          expected: '0',
          actual: 'no_stream',
        },
      );
      await store().appendToStream(stream('a'), someEvents(2), { expectedRevision: 'no_stream' });
      await expectFailure(
        store().appendToStream(stream('a'), [anEvent()], { expectedRevision: 0n }),
        'conflict',
        {
          stream: stream('a'),
          expected: '0',
          actual: '1',
        },
      );
      await expectFailure(
        store().appendToStream(stream('a'), [anEvent()], { expectedRevision: 5n }),
        'conflict',
        {
          expected: '5',
          actual: '1',
        },
      );
      const result = await store().appendToStream(stream('a'), [anEvent()], { expectedRevision: 1n });
      expect(result.nextExpectedRevision).toBe(2n);
    });

    it("appends with 'any' to a missing and to an existing stream", async () => {
      const { stream } = streamsFor();
      expect(
        (await store().appendToStream(stream('a'), [anEvent()], { expectedRevision: 'any' }))
          .nextExpectedRevision,
      ).toBe(0n);
      expect(
        (await store().appendToStream(stream('a'), someEvents(2), { expectedRevision: 'any' }))
          .nextExpectedRevision,
      ).toBe(2n);
    });

    it('answers a repeated append of the same event ids as the first time and appends nothing', async () => {
      const { stream, filter } = streamsFor();
      await store().appendToStream(stream('a'), [anEvent()], { expectedRevision: 'no_stream' });
      const events = someEvents(2);
      const first = await store().appendToStream(stream('a'), events, { expectedRevision: 0n });
      const again = await store().appendToStream(stream('a'), events, { expectedRevision: 0n });
      expect(again).toEqual(first);
      const created = someEvents(1);
      const createdFirst = await store().appendToStream(stream('b'), created, {
        expectedRevision: 'no_stream',
      });
      expect(await store().appendToStream(stream('b'), created, { expectedRevision: 'no_stream' })).toEqual(
        createdFirst,
      );
      expect(await collect(store().readStream(stream('a')))).toHaveLength(3);
      expect(await collect(store().readStream(stream('b')))).toHaveLength(1);
      expect(await collect(store().readAll({ filter }))).toHaveLength(4);
    });

    it('answers the same append sent twice at once the same way, and appends it once', async () => {
      const { stream } = streamsFor();
      const events = someEvents(2);
      const [first, second] = await Promise.all([
        store().appendToStream(stream('a'), events, { expectedRevision: 'no_stream' }),
        store().appendToStream(stream('a'), events, { expectedRevision: 'no_stream' }),
      ]);
      expect(second).toEqual(first);
      expect(idsOf(await collect(store().readStream(stream('a'))))).toEqual(idsOf(events));
    });

    it("answers a repeated append with 'any' as the first time", async () => {
      const { stream } = streamsFor();
      const events = someEvents(2);
      const first = await store().appendToStream(stream('a'), events, { expectedRevision: 'any' });
      expect(await store().appendToStream(stream('a'), events, { expectedRevision: 'any' })).toEqual(first);
      expect(await collect(store().readStream(stream('a')))).toHaveLength(2);
    });

    const refusesReused = options.refusesReusedEventIds ?? true;
    (refusesReused ? it : it.skip)(
      'refuses a used event id in another stream or for a different event',
      async () => {
        const { stream } = streamsFor();
        const used = anEvent();
        await store().appendToStream(stream('a'), [used], { expectedRevision: 'no_stream' });
        await expectFailure(
          store().appendToStream(stream('b'), [used], { expectedRevision: 'no_stream' }),
          'conflict',
          {
            eventId: used.id,
          },
        );
        await expectFailure(
          store().appendToStream(stream('a'), [{ ...used, type: 'TaskRenamed' }], {
            expectedRevision: 'no_stream',
          }),
          'conflict',
        );
        await expectFailure(
          store().appendToStream(stream('a'), [anEvent(), used], { expectedRevision: 0n }),
          'conflict',
          { eventId: used.id },
        );
        expect(await collect(store().readStream(stream('a')))).toHaveLength(1);
        expect(await collect(store().readStream(stream('b')))).toEqual([]);
      },
    );

    it('lets exactly one of several concurrent appends at the same revision win', async () => {
      const { stream } = streamsFor();
      const attempts = await Promise.allSettled(
        Array.from({ length: 8 }, () =>
          store().appendToStream(stream('a'), [anEvent()], { expectedRevision: 'no_stream' }),
        ),
      );
      expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
      const refused = attempts.filter((a) => a.status === 'rejected');
      expect(refused).toHaveLength(7);
      for (const r of refused) expect(r.reason).toMatchObject({ code: 'conflict', details: { actual: '0' } });
      expect(await collect(store().readStream(stream('a')))).toHaveLength(1);
    });

    it("lands every concurrent 'any' append on one stream, each at its own revisions", async () => {
      const { stream } = streamsFor();
      const batches = Array.from({ length: 8 }, () => someEvents(2));
      const results = await Promise.all(
        batches.map((events) => store().appendToStream(stream('a'), events, { expectedRevision: 'any' })),
      );
      const stored = await collect(store().readStream(stream('a')));
      expect(stored.map((e) => e.revision)).toEqual(Array.from({ length: 16 }, (_, i) => BigInt(i)));
      expect(new Set(results.map((r) => r.nextExpectedRevision)).size).toBe(8);
      for (const [i, events] of batches.entries()) {
        const last = stored.find((e) => e.id === events[1]?.id);
        expect(results[i]).toEqual({ nextExpectedRevision: last?.revision, position: last?.position });
      }
    });

    it('answers concurrent appends each on its own: a conflict does not fail the others', async () => {
      const { stream } = streamsFor();
      await store().appendToStream(stream('taken'), [anEvent()], { expectedRevision: 'no_stream' });
      const attempts = await Promise.allSettled([
        store().appendToStream(stream('a'), [anEvent()], { expectedRevision: 'no_stream' }),
        store().appendToStream(stream('taken'), [anEvent()], { expectedRevision: 'no_stream' }),
        store().appendToStream(stream('b'), someEvents(2), { expectedRevision: 'no_stream' }),
        store().appendToStream(stream('missing'), [anEvent()], { expectedRevision: 3n }),
        store().appendToStream(stream('c'), [anEvent()], { expectedRevision: 'any' }),
      ]);
      expect(attempts.map((a) => a.status)).toEqual([
        'fulfilled',
        'rejected',
        'fulfilled',
        'rejected',
        'fulfilled',
      ]);
      expect(await collect(store().readStream(stream('a')))).toHaveLength(1);
      expect(await collect(store().readStream(stream('b')))).toHaveLength(2);
      expect(await collect(store().readStream(stream('c')))).toHaveLength(1);
      expect(await collect(store().readStream(stream('taken')))).toHaveLength(1);
      expect(await collect(store().readStream(stream('missing')))).toEqual([]);
    });
  });
};
