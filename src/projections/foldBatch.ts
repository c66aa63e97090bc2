import type { Row } from '../ports/readModelStore';
import { TASK_STREAM_PREFIX } from '../domain/task';
import type { Projection, ProjectedEvent } from './projection';

/** Only task streams feed the read models (checkpoint streams and others are skipped). */
export const isTaskStream = (streamName: string) => streamName.startsWith(TASK_STREAM_PREFIX);

export const taskIdOf = (streamName: string) => streamName.slice(TASK_STREAM_PREFIX.length);

/** The keys (task ids) a batch touches for one projection. */
export const keysFor = <D>(projection: Projection<D>, events: readonly ProjectedEvent[]): string[] => {
  const keys = new Set<string>();
  for (const event of events) if (projection.handles.has(event.type)) keys.add(event.taskId);
  return [...keys];
};

/** A row being folded; `owned` once its document is one this fold made (see Projection.evolveOwned). */
type Folding<D> = { doc: D | undefined; revision: bigint; owned: boolean };

const step = <D>(projection: Projection<D>, folding: Folding<D>, event: ProjectedEvent): void => {
  const { doc } = folding;
  const next =
    folding.owned && doc !== undefined && projection.evolveOwned !== undefined
      ? projection.evolveOwned(doc, event)
      : projection.evolve(doc, event);
  folding.owned = next !== undefined && (folding.owned || next !== doc);
  folding.doc = next;
  folding.revision = event.revision;
};

/**
 * Folds a batch into the rows it touches. Pure: rows in, changed rows out (the rows given are
 * never changed). An event at or before a row's revision was already folded into it (a batch
 * re-applied after a crash between rows and checkpoint, or seen both inline and by a catch-up)
 * and is skipped.
 */
export const foldBatch = <D>(
  projection: Projection<D>,
  rows: ReadonlyMap<string, Row<D>>,
  events: readonly ProjectedEvent[],
): Map<string, Row<D>> => {
  const changed = new Map<string, Folding<D>>();
  for (const event of events) {
    if (!projection.handles.has(event.type)) continue;
    let folding = changed.get(event.taskId);
    if (folding === undefined) {
      const row = rows.get(event.taskId);
      folding = { doc: row?.doc, revision: row?.revision ?? -1n, owned: false };
      if (event.revision <= folding.revision) continue;
      changed.set(event.taskId, folding);
    } else if (event.revision <= folding.revision) continue;
    step(projection, folding, event);
  }
  const rowsOut = new Map<string, Row<D>>();
  for (const [taskId, { doc, revision }] of changed) rowsOut.set(taskId, { doc, revision });
  return rowsOut;
};

/**
 * Tasks whose first event in the batch does not follow the revision the task index (which
 * folds every event) last saw: events were missed, and must be read from the stream first.
 * Returns task id → the first missing revision and the last one.
 */
export const findGaps = (
  indexRows: ReadonlyMap<string, Row<unknown>>,
  events: readonly ProjectedEvent[],
): Map<string, { from: bigint; to: bigint }> => {
  const gaps = new Map<string, { from: bigint; to: bigint }>();
  const seen = new Set<string>();
  for (const event of events) {
    if (seen.has(event.taskId)) continue;
    seen.add(event.taskId);
    const expected = (indexRows.get(event.taskId)?.revision ?? -1n) + 1n;
    if (event.revision > expected) gaps.set(event.taskId, { from: expected, to: event.revision - 1n });
  }
  return gaps;
};
