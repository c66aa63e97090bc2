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

const tables = new WeakMap<object, TableSpec>();

/**
 * What a read-model store needs to keep a projection's rows: its table name and columns. One
 * per projection, made once: every batch asks for it, and `values` runs for every row written.
 */
export const tableOf = <D>(projection: Projection<D>): TableSpec => {
  let table = tables.get(projection);
  if (table === undefined) {
    const columns = Object.entries(projection.columns);
    const indexes = columns.flatMap(([name, { indexed }]) => {
      if (indexed === undefined) return [];
      const indexColumns = indexed === true ? [name] : [name, ...indexed];
      return [{ name: `rm_${projection.name}_${indexColumns.join('_')}`, columns: indexColumns }];
    });
    const inAnIndex = new Set(indexes.flatMap((index) => index.columns));
    table = {
      name: projection.name,
      columns: columns.map(([name, column]) => ({ name, type: column.type, indexed: inAnIndex.has(name) })),
      indexes,
      values: (doc) => {
        const values: Record<string, string | number> = {};
        for (const [name, column] of columns) values[name] = column.of(doc as D);
        return values;
      },
    };
    tables.set(projection, table);
  }
  return table;
};
