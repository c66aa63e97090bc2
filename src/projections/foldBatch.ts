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

type Folding<D> = { doc: D | undefined; revision: bigint };

/**
 * Folds a batch into the rows it touches. Pure: rows in, changed rows out. An event at or before
 * a row's revision was already folded into it (a batch re-applied after a crash between rows and
 * checkpoint, or seen both inline and by a catch-up) and is skipped.
 */
export const foldBatch = <D>(
  projection: Projection<D>,
  rows: ReadonlyMap<string, Row<D>>,
  events: readonly ProjectedEvent[],
): Map<string, Row<D>> => {
  // A changed row is this function's own object, moved on in place by each later event of its task.
  const changed = new Map<string, Folding<D>>();
  for (const event of events) {
    if (!projection.handles.has(event.type)) continue;
    const folding = changed.get(event.taskId);
    if (folding !== undefined) {
      if (event.revision <= folding.revision) continue;
      folding.doc = projection.evolve(folding.doc, event);
      folding.revision = event.revision;
      continue;
    }
    const row = rows.get(event.taskId);
    if (row !== undefined && event.revision <= row.revision) continue;
    changed.set(event.taskId, { doc: projection.evolve(row?.doc, event), revision: event.revision });
  }
  return changed;
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
