import { getCandidateWindow, SPREAD_FOR_MS } from '../../../src/engine/workers/candidates';
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
    const window = getCandidateWindow(engine, ['q'], 5);
    expect(await window.take(2)).toEqual({ ids: ['a', 'b'], listed: true });
    expect(await window.take(2)).toEqual({ ids: ['c', 'd'], listed: false });
    // One left, two wanted, and the list said more were queued beyond it: list again.
    expect(await window.take(2)).toEqual({ ids: ['f'], listed: true });
    expect(calls()).toBe(2);
  });

  it('does not list again once it has seen every queued task, until something is queued', async () => {
    const { engine, calls } = listing([{ ids: ['a'] }, { ids: ['b'] }]);
    const window = getCandidateWindow(engine, ['q'], 5);
    expect((await window.take(3)).ids).toEqual(['a']);
    expect(await window.take(3)).toEqual({ ids: [], listed: false });
    window.queued();
    expect(await window.take(3)).toEqual({ ids: ['b'], listed: true });
    expect(calls()).toBe(2);
  });

  it('drops tasks the subscription saw leave queued, and says which were candidates', async () => {
    const { engine } = listing([{ ids: ['a', 'b', 'c'] }]);
    const window = getCandidateWindow(engine, ['q'], 5);
    expect((await window.take(1)).ids).toEqual(['a']);
    expect(window.forget('b')).toBe(true);
    expect(window.forget('a')).toBe(false);
    expect((await window.take(5)).ids).toEqual(['c']);
  });

  it('spreads its picks at random over the window while others compete, oldest first again after', async () => {
    const { engine } = listing([{ ids: ['a', 'b', 'c', 'd', 'e', 'f'] }]);
    let now = 0;
    // Always the last of the remaining candidates: shows the pick is not the oldest.
    const window = getCandidateWindow(
      engine,
      ['q'],
      10,
      () => now,
      () => 0.999,
    );
    window.competed();
    expect((await window.take(2)).ids).toEqual(['f', 'e']);
    now += SPREAD_FOR_MS;
    expect((await window.take(2)).ids).toEqual(['a', 'b']);
  });

  it('may be told not to list: one list a claim round', async () => {
    const { engine, calls } = listing([{ ids: ['a'], more: true }]);
    const window = getCandidateWindow(engine, ['q'], 5);
    expect(await window.take(2, false)).toEqual({ ids: [], listed: false });
    expect(calls()).toBe(0);
  });
});
