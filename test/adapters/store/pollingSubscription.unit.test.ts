import { getMemoryEventStore } from '../../../src/adapters/store/memoryEventStore';
import { anEvent } from '../../contract/contractSupport';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('polling subscriptions (memory, SQLite and PostgreSQL stores)', () => {
  it('once live, await `gather` after hearing of an append and read what gathered meanwhile in one go', async () => {
    const store = getMemoryEventStore();
    let gathers = 0;
    let release: () => void = () => undefined;
    const gather = () =>
      new Promise<void>((resolve) => {
        gathers++;
        release = resolve;
      });
    const stop = new AbortController();
    const subscription = store.subscribeToAll({ from: 'end', signal: stop.signal, gather });
    const messages = subscription[Symbol.asyncIterator]();
    try {
      expect((await messages.next()).value).toMatchObject({ kind: 'caughtUp' });
      const next = messages.next();
      let delivered = false;
      void next.then(() => (delivered = true));
      await store.appendToStream('s-1', [anEvent()], { expectedRevision: 'no_stream' });
      while (gathers === 0) await tick(1);
      await store.appendToStream('s-2', [anEvent()], { expectedRevision: 'no_stream' });
      await tick(20);
      expect(delivered).toBe(false);

      release();
      const first = (await next).value;
      const second = (await messages.next()).value;
      expect([first, second]).toMatchObject([
        { kind: 'event', event: { streamName: 's-1' } },
        { kind: 'event', event: { streamName: 's-2' } },
      ]);
      expect(gathers).toBe(1);
    } finally {
      stop.abort();
      await messages.return?.();
    }
  });
});
