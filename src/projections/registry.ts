import type { TableSpec } from '../ports/readModelStore';
import type { AnyProjection, Projection } from './projection';
import { taskIndex } from './taskIndex';
import { executions } from './executions';
import { lastMetrics } from './lastMetrics';
import { taskTree } from './taskTree';

/** Every read model the engine keeps. */
export const projections: readonly AnyProjection[] = [
  taskIndex as AnyProjection,
  executions as AnyProjection,
  lastMetrics as AnyProjection,
  taskTree as AnyProjection,
];

export const projectionNamed = (name: string): AnyProjection | undefined =>
  projections.find((p) => p.name === name);

/** What a read-model store needs to keep a projection's rows: its table name and columns. */
export const tableOf = <D>(projection: Projection<D>): TableSpec => ({
  name: projection.name,
  columns: Object.entries(projection.columns).map(([name, column]) => ({
    name,
    type: column.type,
    indexed: column.indexed === true,
  })),
  values: (doc) =>
    Object.fromEntries(
      Object.entries(projection.columns).map(([name, column]) => [name, column.of(doc as D)]),
    ),
});
