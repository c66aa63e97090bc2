import { foldBatch } from '../../src/projections/foldBatch';
import type { AnyProjection, ProjectedEvent } from '../../src/projections/projection';
import { projections } from '../../src/projections/registry';
import { taskIdOf } from '../../src/projections/foldBatch';
import type { Row } from '../../src/ports/readModelStore';
import { deepFreeze, recordedStreams } from '../fixtures/recordedHistories';

/** Each recorded stream as a projection sees it, placed at revisions 0, 1, 2, … */
const placedStreams = (): ProjectedEvent[][] =>
  recordedStreams().map(({ stream, events }) =>
    events.map(
      (event, i) =>
        ({ ...event, taskId: taskIdOf(stream), revision: BigInt(i), position: BigInt(i) }) as ProjectedEvent,
    ),
  );

/** The row one event at a time through `evolve` gives: what any batching must give too. */
const stepwise = (projection: AnyProjection, events: readonly ProjectedEvent[]): Row<unknown> | undefined => {
  let row: Row<unknown> | undefined;
  for (const event of events) {
    if (!projection.handles.has(event.type)) continue;
    row = { doc: projection.evolve(row?.doc, event), revision: event.revision };
  }
  return row;
};

describe('foldBatch', () => {
  it.each(projections.map((p) => [p.name, p] as const))(
    '%s: any split of a history into a stored row and a batch folds to the stepwise row, leaving the stored row alone',
    (_, projection) => {
      for (const events of placedStreams()) {
        const taskId = events[0]?.taskId ?? '';
        for (let cut = 0; cut <= events.length; cut++) {
          const stored = stepwise(projection, events.slice(0, cut));
          const rows = new Map(stored === undefined ? [] : [[taskId, deepFreeze(stored)]]);
          const before = JSON.stringify(stored?.doc);
          const changed = foldBatch(projection, rows, events.slice(cut));
          const expected = stepwise(projection, events);
          // Unchanged rows are not written again.
          const folded = changed.get(taskId) ?? stored;
          expect(JSON.stringify(folded?.doc)).toBe(JSON.stringify(expected?.doc));
          expect(folded?.revision).toBe(expected?.revision);
          expect(JSON.stringify(stored?.doc)).toBe(before);
        }
      }
    },
  );

  it('skips events a stored row already folded, and hands back only rows it changed', () => {
    const [events = []] = placedStreams();
    const [projection] = projections;
    if (projection === undefined) throw new Error('no projections');
    const taskId = events[0]?.taskId ?? '';
    const stored = deepFreeze(stepwise(projection, events) as Row<unknown>);
    expect(foldBatch(projection, new Map([[taskId, stored]]), events).size).toBe(0);
  });
});
