import type { TaskEventEnvelope, TaskEventType } from '../domain/events';

/** An event as a projection sees it: decoded, with its task and its place in the log. */
export type ProjectedEvent = TaskEventEnvelope & {
  readonly taskId: string;
  readonly revision: bigint;
  readonly position: bigint;
};

/** A value a read-model store keeps beside a document so it can filter and sort in place. */
export type Column<D> = {
  readonly type: 'text' | 'number';
  readonly of: (doc: D) => string | number;
  /**
   * Worth an index: every index costs each append that touches the row a page write. `true`:
   * on this column (then the key); a list of columns: on this column then those, so a filter on
   * this one can read its rows already sorted by them.
   */
  readonly indexed?: true | readonly string[];
};

/**
 * A read model: a pure fold of one task's events into one document, keyed by task id.
 * Named and versioned: a new version is rebuilt from position 0. `handles` lets the runner skip
 * rows an event cannot change.
 */
export type Projection<D> = {
  readonly name: string;
  readonly version: number;
  readonly handles: ReadonlySet<TaskEventType>;
  /** undefined: the document does not exist (yet, or any more). */
  readonly evolve: (doc: D | undefined, event: ProjectedEvent) => D | undefined;
  /**
   * The same fold for a document only the caller holds, which it may change in place: a fold
   * passes here what `evolve` (or this) returned for the task's previous event. For this to
   * be sound, `evolve` returns either the document it was given or one nobody else holds.
   */
  readonly evolveOwned?: (doc: D, event: ProjectedEvent) => D | undefined;
  readonly columns: Readonly<Record<string, Column<D>>>;
};

export type AnyProjection = Projection<unknown>;

export const projection = <D>(definition: Projection<D>): Projection<D> => definition;
