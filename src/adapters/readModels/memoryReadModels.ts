import type {
  Checkpoint,
  ReadModelStore,
  ReadModelTransaction,
  Row,
  RowQuery,
  SyncReadModelTransaction,
  TableSpec,
} from '../../ports/readModelStore';
import { withLoops } from '../../ports/readModelStore';
import { matches, sortRows, atOrAfter, type Values } from './rowQueryInMemory';

type StoredRow = { key: string; doc: unknown; revision: bigint; values: Values };

export type MemoryReadModels = ReadModelStore & {
  /** A synchronous transaction, for inline projections inside a memory append. */
  runSync<T>(work: (tx: SyncReadModelTransaction) => T): T;
};

/** Read models in memory: for the memory event store and tests. Writes are staged until commit. */
export const getMemoryReadModels = (): MemoryReadModels => {
  const tables = new Map<string, Map<string, StoredRow>>();
  const checkpoints = new Map<string, Checkpoint>();
  const table = (name: string) => {
    let rows = tables.get(name);
    if (rows === undefined) tables.set(name, (rows = new Map()));
    return rows;
  };

  const begin = () => {
    const staged: (() => void)[] = [];
    const tx: SyncReadModelTransaction = {
      checkpoint: (name) => checkpoints.get(name),
      allCheckpoints: () => new Map(checkpoints),
      load: <D>(name: string, keys: readonly string[]) => {
        const rows = new Map<string, Row<D>>();
        for (const key of keys) {
          const row = table(name).get(key);
          if (row !== undefined)
            rows.set(key, { doc: structuredClone(row.doc) as D | undefined, revision: row.revision });
        }
        return rows;
      },
      write: <D>(spec: TableSpec, rows: ReadonlyMap<string, Row<D>>) => {
        const copies = [...rows].map(([key, row]) => ({
          key,
          doc: structuredClone(row.doc),
          revision: row.revision,
          values: row.doc === undefined ? {} : spec.values(row.doc),
        }));
        staged.push(() => {
          // Never put back an older fold than the one stored.
          for (const row of copies) {
            const current = table(spec.name).get(row.key);
            if (current === undefined || current.revision < row.revision) table(spec.name).set(row.key, row);
          }
        });
      },
      setCheckpoint: (name, checkpoint) => {
        staged.push(() => {
          const current = checkpoints.get(name);
          const sameVersion = current?.version === checkpoint.version;
          if (!sameVersion || current.position < checkpoint.position) checkpoints.set(name, checkpoint);
        });
      },
    };
    return { tx, commit: () => staged.forEach((apply) => apply()) };
  };

  const runSync = <T>(work: (tx: SyncReadModelTransaction) => T): T => {
    const { tx, commit } = begin();
    const result = work(tx);
    commit();
    return result;
  };

  const transaction = async <T>(work: (tx: ReadModelTransaction) => Promise<T>): Promise<T> => {
    const { tx, commit } = begin();
    const result = await work(
      withLoops({
        checkpoint: async (name) => tx.checkpoint(name),
        load: async (name, keys) => tx.load(name, keys),
        write: async (spec, rows) => tx.write(spec, rows),
        setCheckpoint: async (name, checkpoint) => tx.setCheckpoint(name, checkpoint),
      }),
    );
    commit();
    return result;
  };

  return {
    runSync,
    prepare: async () => undefined,
    transaction,
    checkpoint: async (name) => checkpoints.get(name),
    checkpoints: async (names) => {
      const found = new Map<string, Checkpoint>();
      for (const name of names) {
        const checkpoint = checkpoints.get(name);
        if (checkpoint !== undefined) found.set(name, checkpoint);
      }
      return found;
    },
    clear: async (names, mark) => {
      for (const name of names) {
        tables.delete(name);
        checkpoints.set(name, mark);
      }
    },
    get: async <D>(name: string, key: string) => structuredClone(table(name).get(key)?.doc) as D | undefined,
    query: async <D>(name: string, query: RowQuery) => {
      const live = [...table(name).values()]
        .filter((row) => row.doc !== undefined)
        .map((row) => ({ ...row, values: { ...row.values, key: row.key } as Values }))
        .filter((row) => query.where.every((c) => matches(row.values, c)));
      const page = sortRows(
        live.filter((row) => atOrAfter(row, query)),
        query,
      ).slice(0, query.limit);
      return {
        ...(query.count === false ? {} : { total: live.length }),
        rows: page.map((row) => ({
          key: row.key,
          doc: structuredClone(row.doc) as D,
          sortValue: row.values[query.sort.column] ?? '',
        })),
      };
    },
    close: async () => undefined,
  };
};
