import type { EventStore } from '../../src/ports/eventStore';
import {
  anEvent,
  idsOf,
  openSubscription,
  someEvents,
  streamsFor,
  type ContractContext,
} from './contractSupport';

export const describeSubscriptionContract = <S extends EventStore>({ store }: ContractContext<S>) => {
  describe('subscribeToAll', () => {
    const appendEach = async (stream: string, count: number, type = 'TaskCreated') => {
      const appended = [];
      for (let i = 0; i < count; i++) {
        const event = anEvent(type, { n: i });
        const { position } = await store().appendToStream(stream, [event], { expectedRevision: 'any' });
        appended.push({ ...event, position });
      }
      return appended;
    };

    it('delivers every stored event once, in order, then caughtUp once, then live events', async () => {
      const { stream, filter } = streamsFor();
      const stored = await appendEach(stream('a'), 5);
      const subscription = openSubscription(store(), { from: 'start', filter });
      try {
        const catchUp = await subscription.untilCaughtUp();
        expect(idsOf(catchUp.events)).toEqual(idsOf(stored));
        expect(catchUp.events.map((e) => e.position)).toEqual(stored.map((e) => e.position));
        const live = someEvents(3);
        await store().appendToStream(stream('a'), live.slice(0, 2), { expectedRevision: 4n });
        await store().appendToStream(stream('b'), live.slice(2), { expectedRevision: 'no_stream' });
        expect(idsOf(await subscription.takeEvents(3))).toEqual(idsOf(live));
        // Nothing repeated or stray in between: the next event is the one appended next.
        const sentinel = anEvent('TaskCompleted');
        await store().appendToStream(stream('a'), [sentinel], { expectedRevision: 'any' });
        expect(idsOf(await subscription.takeEvents(1))).toEqual([sentinel.id]);
      } finally {
        await subscription.stop();
      }
    });

    it('catches up over more events than one batch without losing or repeating any', async () => {
      const { stream, filter } = streamsFor();
      const stored = someEvents(25);
      await store().appendToStream(stream('a'), stored, { expectedRevision: 'no_stream' });
      const subscription = openSubscription(store(), { from: 'start', filter, batchSize: 4 });
      try {
        expect(idsOf((await subscription.untilCaughtUp()).events)).toEqual(idsOf(stored));
      } finally {
        await subscription.stop();
      }
    });

    it('starts after a position, exclusive', async () => {
      const { stream, filter } = streamsFor();
      const stored = await appendEach(stream('a'), 5);
      const subscription = openSubscription(store(), { from: { after: stored[1]?.position ?? 0n }, filter });
      try {
        expect(idsOf((await subscription.untilCaughtUp()).events)).toEqual(idsOf(stored.slice(2)));
      } finally {
        await subscription.stop();
      }
    });

    it('from the end delivers only events appended after it started', async () => {
      const { stream, filter } = streamsFor();
      await appendEach(stream('a'), 3);
      const subscription = openSubscription(store(), { from: 'end', filter });
      try {
        expect((await subscription.untilCaughtUp()).events).toEqual([]);
        const live = await appendEach(stream('a'), 2);
        expect(idsOf(await subscription.takeEvents(2))).toEqual(idsOf(live));
      } finally {
        await subscription.stop();
      }
    });

    it('delivers only events that match its filter, stored and live', async () => {
      const { stream, prefix } = streamsFor();
      await appendEach(stream('a'), 2, 'TaskCreated');
      const started = await appendEach(stream('a'), 2, 'TaskStarted');
      const subscription = openSubscription(store(), {
        from: 'start',
        filter: { eventTypes: ['TaskStarted'], streamPrefixes: [prefix] },
      });
      try {
        expect(idsOf((await subscription.untilCaughtUp()).events)).toEqual(idsOf(started));
        await appendEach(stream('b'), 3, 'TaskCreated');
        const liveStarted = await appendEach(stream('b'), 1, 'TaskStarted');
        expect(idsOf(await subscription.takeEvents(1))).toEqual(idsOf(liveStarted));
      } finally {
        await subscription.stop();
      }
    });

    it('ends when its signal aborts, and resumes from the last position with the next event', async () => {
      const { stream, filter } = streamsFor();
      const stored = await appendEach(stream('a'), 4);
      const first = openSubscription(store(), { from: 'start', filter });
      const delivered = await first.takeEvents(2);
      first.abort();
      // After the abort the subscription ends (it may still hand over what it already held).
      for (;;) {
        const result = await first.iterator.next();
        if (result.done === true) break;
      }
      const last = delivered[delivered.length - 1]?.position ?? 0n;
      const second = openSubscription(store(), { from: { after: last }, filter });
      try {
        expect(idsOf((await second.untilCaughtUp()).events)).toEqual(idsOf(stored.slice(2)));
      } finally {
        await second.stop();
      }
    });

    it('resumes with the next event after a consumer breaks out of its loop', async () => {
      const { stream, filter } = streamsFor();
      const stored = await appendEach(stream('a'), 4);
      let last = 0n;
      for await (const message of store().subscribeToAll({ from: 'start', filter })) {
        if (message.kind !== 'event') continue;
        last = message.event.position;
        if (message.event.id === stored[2]?.id) break;
      }
      expect(last).toBe(stored[2]?.position);
      const resumed = openSubscription(store(), { from: { after: last }, filter });
      try {
        expect(idsOf((await resumed.untilCaughtUp()).events)).toEqual(idsOf(stored.slice(3)));
      } finally {
        await resumed.stop();
      }
    });

    it('resumes from its caughtUp position with only what came after', async () => {
      const { stream, filter } = streamsFor();
      await appendEach(stream('a'), 3);
      const first = openSubscription(store(), { from: 'start', filter });
      const { position } = await first.untilCaughtUp();
      await first.stop();
      const later = await appendEach(stream('a'), 2);
      const resumed = openSubscription(store(), { from: { after: position }, filter });
      try {
        expect(idsOf((await resumed.untilCaughtUp()).events)).toEqual(idsOf(later));
      } finally {
        await resumed.stop();
      }
    });
  });
};
