import { getMemoryEventStore } from '../../../src/adapters/store/memoryEventStore';
import { testEngine, countEvents, rejection, engineOn } from '../../support/engine';
import { writeAuditScenario } from '../../support/auditScenario';
import { readLog } from '../../support/tamperableStore';

const collect = async (lines: AsyncIterable<string>) => {
  const all: string[] = [];
  for await (const line of lines) all.push(line);
  return all;
};

const exported = async () => {
  const { engine, clock, store } = testEngine();
  await writeAuditScenario(engine, clock);
  return { source: engine, store, lines: await collect(engine.exportHistory()) };
};

describe('export and import', () => {
  it('exports one event per line, in position order, with metadata', async () => {
    const { lines, store } = await exported();
    expect(lines).toHaveLength(await countEvents(store));
    const first: unknown = JSON.parse(lines[0] ?? '');
    expect(first).toMatchObject({
      stream: 'task-a',
      revision: 0,
      position: 1,
      type: 'TaskCreated',
      metadata: { actor: 'alice' },
    });
    expect(first).toHaveProperty('id');
    expect(first).toHaveProperty('metadata.hash');
  });

  it('exports only the tasks asked for, stream by stream', async () => {
    const { source } = await exported();
    const lines = await collect(source.exportHistory({ ids: ['b'] }));
    expect(lines.map((l) => (JSON.parse(l) as { stream: string }).stream)).toEqual([
      'task-b',
      'task-b',
      'task-b',
      'task-b',
    ]);
    await rejection(collect(source.exportHistory({ ids: ['../x'] })), 'invalid_request');
  });

  it('imports into another store keeping ids, data and metadata, so the copy verifies', async () => {
    const { store, lines } = await exported();
    const targetStore = getMemoryEventStore();
    const target = engineOn(targetStore);
    expect(await target.importHistory(lines)).toEqual({ events: lines.length, streams: 2 });
    const original = await readLog(store);
    const copy = await readLog(targetStore);
    expect(copy.map(({ position: _p, ...e }) => e)).toEqual(original.map(({ position: _p, ...e }) => e));
    expect(await target.verify()).toMatchObject({ ok: true, totals: { streams: 2, forced: 1 } });
    expect((await target.stateAt('b', { revision: 2n })).status).toBe('completed');
  });

  it('is idempotent: importing the same lines again, or after an interrupted import, appends nothing twice', async () => {
    const { lines } = await exported();
    const store = getMemoryEventStore();
    const target = engineOn(store);
    await target.importHistory(lines.slice(0, 7)); // interrupted mid-stream
    await target.importHistory(lines);
    await target.importHistory(lines);
    expect(await countEvents(store)).toBe(lines.length);
    expect((await target.verify()).ok).toBe(true);
  });

  it('refuses a bad line with invalid_request naming its number, after importing the lines before it', async () => {
    const { lines } = await exported();
    const store = getMemoryEventStore();
    const target = engineOn(store);
    const bad = [...lines.slice(0, 2), '', '{"stream": "task-a", "revision": "x"}', ...lines.slice(2)];
    const error = await rejection(target.importHistory(bad), 'invalid_request');
    expect(error.details).toMatchObject({ line: 4 });
    expect(await countEvents(store)).toBe(2);
    const notJson = await rejection(target.importHistory(['{oops']), 'invalid_request');
    expect(notJson.details).toMatchObject({ line: 1 });
    const line = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    const notTask = await rejection(
      target.importHistory([JSON.stringify({ ...line, stream: '$checkpoint-x' })]),
      'invalid_request',
    );
    expect(notTask.details).toMatchObject({ line: 1, path: 'stream' });
    const badEvent = await rejection(
      target.importHistory([JSON.stringify({ ...line, data: { id: 'a' } })]),
      'invalid_request',
    );
    expect(badEvent.details).toMatchObject({ line: 1 });
  });

  it('reports a real conflict (another event at that revision) with its line', async () => {
    const { lines } = await exported();
    const store = getMemoryEventStore();
    const other = testEngine({ store }).engine;
    await other.create({ id: 'a', name: 'someone else', type: 'testing' });
    const target = engineOn(store);
    const error = await rejection(target.importHistory(lines), 'conflict');
    expect(error.details).toMatchObject({ line: 1 });
  });
});
