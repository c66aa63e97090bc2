import { getCandidateWindow, shareOf, SPREAD_FOR_MS } from '../../../src/engine/workers/candidates';
import type { WorkerEngine } from '../../../src/engine/workers/workerDeps';

type Listing = { readonly ids: readonly string[]; readonly more?: boolean };

/** A `list` that answers from a script of pages and counts how often it was called. */
const listing = (pages: Listing[]) => {
  let calls = 0;
  const list: WorkerEngine['list'] = async () => {
    const page = pages[Math.min(calls, pages.length - 1)] ?? { ids: [] };
    calls++;
    return {
      tasks: page.ids.map((id) => ({ id })),
      next_page_token: page.more === true ? 'more' : '',
      total_size: page.ids.length,
    };
  };
  return { engine: { list }, calls: () => calls };
};

describe('the candidate window', () => {
  it('serves many claims from one list, oldest first, and lists again only when it runs short', async () => {
    const { engine, calls } = listing([{ ids: ['a', 'b', 'c', 'd', 'e'], more: true }, { ids: ['f'] }]);
    const window = getCandidateWindow(engine, { queues: ['q'], size: 5, workerId: 'me' });
    expect(await window.take(2)).toEqual({ ids: ['a', 'b'], listed: true });
    expect(await window.take(2)).toEqual({ ids: ['c', 'd'], listed: false });
    // One left, two wanted, and the list said more were queued beyond it: list again.
    expect(await window.take(2)).toEqual({ ids: ['f'], listed: true });
    expect(calls()).toBe(2);
  });

  it('does not list again once it has seen every queued task, until something is queued', async () => {
    const { engine, calls } = listing([{ ids: ['a'] }, { ids: ['b'] }]);
    const window = getCandidateWindow(engine, { queues: ['q'], size: 5, workerId: 'me' });
    expect((await window.take(3)).ids).toEqual(['a']);
    expect(await window.take(3)).toEqual({ ids: [], listed: false });
    window.queued();
    expect(await window.take(3)).toEqual({ ids: ['b'], listed: true });
    expect(calls()).toBe(2);
  });

  it('drops tasks the subscription saw leave queued, and says which were candidates', async () => {
    const { engine } = listing([{ ids: ['a', 'b', 'c'] }]);
    const window = getCandidateWindow(engine, { queues: ['q'], size: 5, workerId: 'me' });
    expect((await window.take(1)).ids).toEqual(['a']);
    expect(window.forget('b')).toBe(true);
    expect(window.forget('a')).toBe(false);
    expect((await window.take(5)).ids).toEqual(['c']);
  });

  it('spreads its picks at random over the window while others compete, oldest first again after', async () => {
    const { engine } = listing([{ ids: ['a', 'b', 'c', 'd', 'e', 'f'] }]);
    let now = 0;
    // Always the last of the remaining candidates: shows the pick is not the oldest.
    const window = getCandidateWindow(engine, {
      queues: ['q'],
      size: 10,
      workerId: 'me',
      now: () => now,
      random: () => 0.999,
    });
    window.competed();
    expect((await window.take(2)).ids).toEqual(['f', 'e']);
    now += SPREAD_FOR_MS;
    expect((await window.take(2)).ids).toEqual(['a', 'b']);
  });

  it('may be told not to list: one list a claim round', async () => {
    const { engine, calls } = listing([{ ids: ['a'], more: true }]);
    const window = getCandidateWindow(engine, { queues: ['q'], size: 5, workerId: 'me' });
    expect(await window.take(2, false)).toEqual({ ids: [], listed: false });
    expect(calls()).toBe(0);
  });

  it('splits the window with the workers it saw claiming: its own share first, then the rest', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `task-${i}`);
    const { engine } = listing([{ ids }]);
    let now = 0;
    const window = getCandidateWindow(engine, {
      queues: ['q'],
      size: 40,
      workerId: 'w-b',
      now: () => now,
      random: () => 0,
    });
    window.competed('w-a');
    window.competed('w-c');
    // Sorted, the three are w-a, w-b, w-c: this worker holds share 1 of 3, oldest first.
    const mine = ids.filter((id) => shareOf(id, 3) === 1);
    expect(mine.length).toBeGreaterThan(3);
    expect((await window.take(3)).ids).toEqual(mine.slice(0, 3));
    // Its share used up, it takes from the others' (at random: here always the first left).
    const rest = await window.take(mine.length);
    expect(rest.ids.slice(0, mine.length - 3)).toEqual(mine.slice(3));
    expect(rest.ids.slice(mine.length - 3)).toEqual(ids.filter((id) => !mine.includes(id)).slice(0, 3));
    // Peers not seen for a while drop out; alone again, it takes the oldest left.
    now += SPREAD_FOR_MS;
    const left = ids.filter((id) => !mine.includes(id)).slice(3);
    expect((await window.take(2)).ids).toEqual(left.slice(0, 2));
  });

  it('gives every task to exactly one share, the same in every worker', () => {
    const ids = Array.from({ length: 1_000 }, (_, i) => `job-${i}`);
    for (const shares of [1, 2, 3, 4, 7]) {
      const counts = Array.from({ length: shares }, () => 0);
      for (const id of ids) counts[shareOf(id, shares)] = (counts[shareOf(id, shares)] ?? 0) + 1;
      expect(counts.reduce((a, b) => a + b, 0)).toBe(ids.length);
      // Roughly even: no share gets less than half its part.
      for (const count of counts) expect(count).toBeGreaterThan(ids.length / shares / 2);
    }
  });

  it('lists again when its own share runs short and more are queued beyond the window', async () => {
    const first = Array.from({ length: 12 }, (_, i) => `task-${i}`);
    const second = Array.from({ length: 12 }, (_, i) => `task-${i + 12}`);
    const { engine, calls } = listing([
      { ids: first, more: true },
      { ids: second, more: true },
    ]);
    const window = getCandidateWindow(engine, { queues: ['q'], size: 12, workerId: 'w-a', random: () => 0 });
    window.competed('w-b');
    const mine = (ids: readonly string[]) => ids.filter((id) => shareOf(id, 2) === 0);
    const ownFirst = mine(first);
    expect((await window.take(ownFirst.length)).ids).toEqual(ownFirst);
    expect(calls()).toBe(1);
    // The rest of the window is the other worker's: a new list, and this worker's share of it.
    const next = await window.take(1);
    expect(next).toEqual({ ids: mine(second).slice(0, 1), listed: true });
    expect(calls()).toBe(2);
  });
});
