import { PassThrough } from 'node:stream';
import { readableQueue, type QueueItem } from '../../../src/adapters/store/eventstoredb/readableQueue';

const objectStream = () => new PassThrough({ objectMode: true });

const show = (item: QueueItem<string>) => (item.kind === 'marker' ? '|' : item.value);

const take = async (iterator: AsyncIterator<QueueItem<string>>, count: number) => {
  const taken: string[] = [];
  while (taken.length < count) {
    const next = await iterator.next();
    if (next.done === true) throw new Error('ended early');
    taken.push(show(next.value));
  }
  return taken;
};

describe('readableQueue (EventStoreDB subscription bridge)', () => {
  jest.setTimeout(5_000);

  it('yields objects in order and puts the marker where it was emitted', async () => {
    const readable = objectStream();
    const iterator = readableQueue<string>(readable, 'caughtUp', undefined)[Symbol.asyncIterator]();
    readable.write('a');
    readable.write('b');
    expect(await take(iterator, 2)).toEqual(['a', 'b']);
    readable.emit('caughtUp');
    readable.write('c');
    expect(await take(iterator, 2)).toEqual(['|', 'c']);
    readable.end();
    expect((await iterator.next()).done).toBe(true);
  });

  it('places a marker after objects still buffered in the readable when it was emitted', async () => {
    const readable = objectStream();
    const iterator = readableQueue<string>(readable, 'caughtUp', undefined)[Symbol.asyncIterator]();
    const first = iterator.next();
    // Paused, as under backpressure: a and b wait in the readable's buffer when caughtUp fires.
    readable.pause();
    readable.write('a');
    readable.write('b');
    readable.emit('caughtUp');
    readable.write('c');
    readable.resume();
    expect(show((await first).value as QueueItem<string>)).toBe('a');
    expect(await take(iterator, 3)).toEqual(['b', '|', 'c']);
  });

  it('throws the readable’s error after what came before it', async () => {
    const readable = objectStream();
    const iterator = readableQueue<string>(readable, 'caughtUp', undefined)[Symbol.asyncIterator]();
    readable.write('a');
    expect(await take(iterator, 1)).toEqual(['a']);
    readable.destroy(new Error('dropped by the server'));
    await expect(iterator.next()).rejects.toThrow('dropped by the server');
  });

  it('ends when its signal aborts, even while waiting', async () => {
    const readable = objectStream();
    const controller = new AbortController();
    const iterator = readableQueue<string>(readable, 'caughtUp', controller.signal)[Symbol.asyncIterator]();
    const waiting = iterator.next();
    controller.abort();
    expect((await waiting).done).toBe(true);
  });

  it('pauses a readable that runs ahead of its consumer and resumes it when drained', async () => {
    const readable = objectStream();
    const iterator = readableQueue<string>(readable, 'caughtUp', undefined)[Symbol.asyncIterator]();
    const first = iterator.next();
    for (let i = 0; i < 1500; i++) readable.write(`e${i}`);
    expect(show((await first).value as QueueItem<string>)).toBe('e0');
    await new Promise((resolve) => setImmediate(resolve));
    expect(readable.isPaused()).toBe(true);
    const rest = await take(iterator, 1499);
    expect(rest[rest.length - 1]).toBe('e1499');
    expect(readable.isPaused()).toBe(false);
  });
});
