import { AccessDeniedError, UnavailableError } from '@eventstore/db-client';
import { getEventStoreDBEventStore } from '../../../src/adapters/store/eventstoredb/client';
import { anEvent, collect, idsOf, openSubscription, someEvents } from '../../contract/contractSupport';
import { getFakeEventStoreDBClient } from '../../support/fakeEventStoreDBClient';

const openFake = () => {
  const fake = getFakeEventStoreDBClient();
  const store = getEventStoreDBEventStore({
    connectionString: 'esdb://fake:2113?tls=false',
    client: fake.client,
    resubscribeDelayMs: { initial: 1, max: 4 },
  });
  return { fake, store };
};

describe('EventStoreDB store over a fake client', () => {
  jest.setTimeout(10_000);

  it('resubscribes after a drop from the last event it delivered: nothing lost, nothing twice, one caughtUp', async () => {
    const { fake, store } = openFake();
    const stored = someEvents(5);
    await store.appendToStream('task-1', stored, { expectedRevision: 'no_stream' });
    const subscription = openSubscription(store, { from: 'start' });
    try {
      expect(idsOf(await subscription.takeEvents(3))).toEqual(idsOf(stored.slice(0, 3)));
      expect(idsOf(await subscription.takeEvents(2))).toEqual(idsOf(stored.slice(3)));
      expect((await subscription.next()).kind).toBe('caughtUp');
      fake.dropSubscriptions(new UnavailableError());
      const live = someEvents(2);
      await store.appendToStream('task-1', live, { expectedRevision: 4n });
      // takeEvents fails on a second caughtUp; the sentinel shows nothing came twice before it.
      expect(idsOf(await subscription.takeEvents(2))).toEqual(idsOf(live));
      const sentinel = anEvent('TaskCompleted');
      await store.appendToStream('task-2', [sentinel], { expectedRevision: 'no_stream' });
      expect(idsOf(await subscription.takeEvents(1))).toEqual([sentinel.id]);
      expect(fake.calls.subscribeToAll).toBe(2);
    } finally {
      await subscription.stop();
      await store.close();
    }
  });

  it('ends with the error, not a resubscription, when the server refuses it for good', async () => {
    const { fake, store } = openFake();
    await store.appendToStream('task-1', someEvents(2), { expectedRevision: 'no_stream' });
    const subscription = openSubscription(store, { from: 'start' });
    try {
      await subscription.untilCaughtUp();
      fake.dropSubscriptions(new AccessDeniedError());
      await expect(subscription.next()).rejects.toMatchObject({ code: 'store_unavailable' });
      expect(fake.calls.subscribeToAll).toBe(1);
    } finally {
      await subscription.stop();
      await store.close();
    }
  });

  it('reports a wrong expected version as our conflict with the actual revision', async () => {
    const { store } = openFake();
    await store.appendToStream('task-1', [anEvent()], { expectedRevision: 'no_stream' });
    await expect(
      store.appendToStream('task-1', [anEvent()], { expectedRevision: 'no_stream' }),
    ).rejects.toMatchObject({
      code: 'conflict',
      details: { expected: 'no_stream', actual: '0' },
    });
  });

  it('reads a missing stream as empty', async () => {
    const { store } = openFake();
    expect(await collect(store.readStream('task-missing'))).toEqual([]);
  });

  it('reads $all in batches from an inclusive position, skipping the event each batch repeats', async () => {
    const { store } = openFake();
    const events = someEvents(7);
    await store.appendToStream('task-1', events, { expectedRevision: 'no_stream' });
    const all = await collect(store.readAll({ batchSize: 2 }));
    expect(idsOf(all)).toEqual(idsOf(events));
    const third = all[2]?.position;
    expect(idsOf(await collect(store.readAll({ fromPosition: third, batchSize: 2 })))).toEqual(
      idsOf(events.slice(2)),
    );
    expect(idsOf(await collect(store.readAll({ fromPosition: third, batchSize: 2, maxCount: 3 })))).toEqual(
      idsOf(events.slice(2, 5)),
    );
  });

  it('reads a stream in batches both ways, within from and to revisions', async () => {
    const { store } = openFake();
    const events = someEvents(1200);
    await store.appendToStream('task-1', events, { expectedRevision: 'no_stream' });
    expect(idsOf(await collect(store.readStream('task-1')))).toEqual(idsOf(events));
    expect(idsOf(await collect(store.readStream('task-1', { direction: 'backwards' })))).toEqual(
      idsOf(events).reverse(),
    );
    const part = await collect(store.readStream('task-1', { fromRevision: 10n, toRevision: 700n }));
    expect(part.map((e) => Number(e.revision))).toEqual(Array.from({ length: 691 }, (_, i) => 10 + i));
  });
});
