import type { Checkpoint, ReadModelTransaction, Row } from '../../ports/readModelStore';
import { withLoops } from '../../ports/readModelStore';
import type { PendingRows } from './pendingRows';
import type { TableRows, WriterCommit } from './sqliteWriterProtocol';

type Reads = {
  /** The rows of `keys` the file holds. */
  readonly load: (table: string, keys: readonly string[]) => Map<string, Row<unknown>>;
  readonly checkpoint: (name: string) => Checkpoint | undefined;
};

/**
 * A rebuild batch's transaction while a writer thread commits (see sqliteReadModels.bulkRefill):
 * reads see this transaction's own writes, then those still on their way to the file, then the
 * file; writes are turned into the writer's parameters here (documents as JSON, column values),
 * because only this thread has the projections' code. `commit(id)` hands the writes over.
 */
export const getSQLiteBulkTransaction = (pending: PendingRows, file: Reads) => {
  const written = new Map<string, Map<string, Row<unknown>>>();
  const tables = new Map<string, { columns: string[]; docs: string[]; rest: unknown[] }>();
  const checkpoints = new Map<string, Checkpoint>();
  const current = (table: string, key: string) => written.get(table)?.get(key) ?? pending.row(table, key);

  const transaction: ReadModelTransaction = withLoops({
    checkpoint: async (name) => checkpoints.get(name) ?? pending.checkpoint(name) ?? file.checkpoint(name),
    load: async <D>(table: string, keys: readonly string[]) => {
      const found = new Map<string, Row<unknown>>();
      const unknown: string[] = [];
      for (const key of keys) {
        const row = current(table, key);
        if (row === undefined) unknown.push(key);
        else found.set(key, row);
      }
      if (unknown.length > 0) for (const [key, row] of file.load(table, unknown)) found.set(key, row);
      return found as Map<string, Row<D>>;
    },
    write: async (spec, rows) => {
      let changed = written.get(spec.name);
      if (changed === undefined) written.set(spec.name, (changed = new Map()));
      let target = tables.get(spec.name);
      if (target === undefined)
        tables.set(spec.name, (target = { columns: spec.columns.map((c) => c.name), docs: [], rest: [] }));
      for (const [key, row] of rows) {
        // The file keeps the newer revision (upsertRowSql); what is pending says the same.
        const before = current(spec.name, key);
        if (before === undefined || before.revision < row.revision) changed.set(key, row);
        const values = row.doc === undefined ? {} : spec.values(row.doc);
        target.docs.push(row.doc === undefined ? '' : JSON.stringify(row.doc));
        // Revisions count a stream's events: far below 2^53, safe as JSON numbers.
        target.rest.push(key, Number(row.revision));
        for (const column of target.columns) target.rest.push(values[column] ?? null);
      }
    },
    setCheckpoint: async (name, checkpoint) => {
      checkpoints.set(name, checkpoint);
    },
  });

  const commit = (id: number): Omit<WriterCommit, 'kind'> => {
    pending.add(id, written, checkpoints);
    const rows: TableRows[] = [...tables].map(([table, { columns, docs, rest }]) => ({
      table,
      columns,
      docs: docs.join('\n'),
      rest: JSON.stringify(rest),
    }));
    return {
      id,
      tables: rows,
      checkpoints: [...checkpoints].map(([name, checkpoint]) => ({ name, checkpoint })),
    };
  };
  return { transaction, commit };
};
