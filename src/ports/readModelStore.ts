/** Where a projection is: its code version and the position of the last event it folded. */
export type Checkpoint = { readonly version: number; readonly position: bigint };

/**
 * A stored read-model row: the document (undefined: a tombstone, the task was deleted) and the
 * revision of the last event of its task's stream folded into it. Streams are contiguous, so a
 * row knows exactly which events it has: re-applying one is a no-op, and a gap can be filled.
 */
export type Row<D> = { readonly doc: D | undefined; readonly revision: bigint };

/** A column a projection declares for filtering and sorting (see projections/projection.ts). */
export type ColumnSpec = {
  readonly name: string;
  readonly type: 'text' | 'number';
  /** In at least one of the table's indexes: writing it costs an index entry. */
  readonly indexed: boolean;
};

/** An index a store keeps on a read-model table: on these columns, then the row key. */
export type IndexSpec = { readonly name: string; readonly columns: readonly string[] };

/** What a read-model store must know of a projection to keep its rows. */
export type TableSpec = {
  readonly name: string;
  readonly columns: readonly ColumnSpec[];
  /** Named after the table (`rm_<table>_…`); a store drops any other `rm_<table>_` index it finds. */
  readonly indexes: readonly IndexSpec[];
  readonly values: (doc: unknown) => Readonly<Record<string, string | number>>;
};

export type Condition =
  | { readonly column: string; readonly op: 'in'; readonly values: readonly (string | number)[] }
  | {
      readonly column: string;
      readonly op: 'eq' | 'gt' | 'gte' | 'lt' | 'lte';
      readonly value: string | number;
    }
  /** Substring match (tags use `|tag|`), and its negation. */
  | { readonly column: string; readonly op: 'contains' | 'notContains'; readonly value: string }
  /** Any of several substrings. */
  | { readonly column: string; readonly op: 'containsAny'; readonly values: readonly string[] }
  | { readonly column: string; readonly op: 'regex'; readonly value: string };

/** `key` is the row key (the task id), usable as a column in conditions and sorting. */
export type RowQuery = {
  readonly where: readonly Condition[];
  readonly sort: { readonly column: string; readonly direction: 'asc' | 'desc' };
  /** Keyset paging: rows at or after this (sort value, key), in the sort direction. */
  readonly from?: { readonly value: string | number; readonly key: string };
  readonly limit: number;
  /**
   * false: do not count the matching rows (the page's `total` is then absent). A count reads
   * every match, where the page reads only `limit` rows in index order: callers that page
   * through a large set, such as workers looking for queued tasks, skip it.
   */
  readonly count?: boolean;
};

export type RowPage<D> = {
  readonly rows: readonly { key: string; doc: D; sortValue: string | number }[];
  /** Every row that matches `where`, on all pages; absent when the query said `count: false`. */
  readonly total?: number;
};

/** Reads and writes inside one transaction: rows and checkpoints change together. */
export interface ReadModelTransaction {
  checkpoint(table: string): Promise<Checkpoint | undefined>;
  load<D>(table: string, keys: readonly string[]): Promise<Map<string, Row<D>>>;
  write<D>(table: TableSpec, rows: ReadonlyMap<string, Row<D>>): Promise<void>;
  setCheckpoint(table: string, checkpoint: Checkpoint): Promise<void>;
  /**
   * The same for several tables at once: over a network each call is a round trip, and an
   * inline append should pay for as few as it can.
   */
  checkpoints(tables: readonly string[]): Promise<Map<string, Checkpoint>>;
  loadMany(
    tables: readonly string[],
    keys: readonly string[],
  ): Promise<Map<string, Map<string, Row<unknown>>>>;
  /**
   * The revision each existing row is at, without its document: what a catch-up needs to skip
   * the events inline writers already folded, for a fraction of what loading the rows costs.
   */
  revisions(tables: readonly string[], keys: readonly string[]): Promise<Map<string, Map<string, bigint>>>;
  writeMany(writes: readonly TableWrite[]): Promise<void>;
  /**
   * Several tables' checkpoints at once, with setCheckpoint's rules for each: a batch moves
   * every target's checkpoint, and over a network a call per table is a round trip per table.
   */
  setCheckpoints(checkpoints: ReadonlyMap<string, Checkpoint>): Promise<void>;
  /**
   * Moves each table's checkpoint forward to the given position, but only where it is at the
   * given version, and records it where the table has none: a checkpoint at any other version
   * (a rebuild's marks, another code version's) or already further stays as it is. How a
   * catch-up or an engine's `advance` records progress: a rebuild that started meanwhile owns
   * the checkpoints, and a plain write over its REBUILDING would say rows are complete that it
   * has not refilled yet.
   */
  advanceCheckpoints(checkpoints: ReadonlyMap<string, Checkpoint>): Promise<void>;
  /**
   * Optional: locks these checkpoints for the rest of the transaction, before it touches any
   * row. Where inline appends commit beside it (PostgreSQL), each holds the checkpoints it read
   * until it commits: a transaction that moves them waits for those appends, and an append
   * that starts meanwhile waits and then reads what it wrote. Locked first, in one order, so
   * neither ever holds a row the other waits for.
   */
  lockCheckpoints?(tables: readonly string[]): Promise<void>;
}

export type TableWrite = { readonly table: TableSpec; readonly rows: ReadonlyMap<string, Row<unknown>> };

/**
 * loadMany, revisions, checkpoints, writeMany, setCheckpoints and advanceCheckpoints by looping
 * over the one-table calls (for local stores, where a call costs no round trip and a
 * transaction runs alone, so a read and a write in it cannot be split by another writer).
 */
export const withLoops = (
  tx: Omit<
    ReadModelTransaction,
    'checkpoints' | 'loadMany' | 'revisions' | 'writeMany' | 'setCheckpoints' | 'advanceCheckpoints'
  >,
): ReadModelTransaction => ({
  ...tx,
  checkpoints: async (tables) => {
    const found = new Map<string, Checkpoint>();
    for (const table of tables) {
      const checkpoint = await tx.checkpoint(table);
      if (checkpoint !== undefined) found.set(table, checkpoint);
    }
    return found;
  },
  loadMany: async (tables, keys) => {
    const all = new Map<string, Map<string, Row<unknown>>>();
    for (const table of tables) all.set(table, await tx.load<unknown>(table, keys));
    return all;
  },
  revisions: async (tables, keys) => {
    const all = new Map<string, Map<string, bigint>>();
    for (const table of tables) {
      const revisions = new Map<string, bigint>();
      for (const [key, row] of await tx.load<unknown>(table, keys)) revisions.set(key, row.revision);
      all.set(table, revisions);
    }
    return all;
  },
  writeMany: async (writes) => {
    for (const { table, rows } of writes) await tx.write(table, rows);
  },
  setCheckpoints: async (checkpoints) => {
    for (const [table, checkpoint] of checkpoints) await tx.setCheckpoint(table, checkpoint);
  },
  advanceCheckpoints: async (checkpoints) => {
    for (const [table, wanted] of checkpoints) {
      const stored = await tx.checkpoint(table);
      if (stored === undefined || (stored.version === wanted.version && stored.position < wanted.position))
        await tx.setCheckpoint(table, wanted);
    }
  },
});

/**
 * The same, synchronous: what runs inside a better-sqlite3 transaction (which cannot await),
 * such as the inline projections inside an SQLite append.
 */
export interface SyncReadModelTransaction {
  checkpoint(table: string): Checkpoint | undefined;
  /** Every table's checkpoint in one read: an inline append asks on every commit. */
  allCheckpoints(): ReadonlyMap<string, Checkpoint>;
  load<D>(table: string, keys: readonly string[]): Map<string, Row<D>>;
  /**
   * `previous`: the same rows as `load` returned them in this transaction, if the caller has
   * them — a store may then write only what changed.
   */
  write<D>(table: TableSpec, rows: ReadonlyMap<string, Row<D>>, previous?: ReadonlyMap<string, Row<D>>): void;
  setCheckpoint(table: string, checkpoint: Checkpoint): void;
}

export type TransactionOptions = {
  /**
   * false: a crash may lose this commit (never half of it), and a store need not wait for the
   * disk (SQLite: synchronous NORMAL for it). For catch-up and rebuild batches: their rows are
   * derived from the log and their checkpoint commits with them, so a lost commit is only redone
   * by the next catch-up; the next durable commit makes the earlier ones durable too.
   */
  readonly durable?: boolean;
};

/**
 * Where read models live: memory, SQLite or PostgreSQL. Each projection gets a table of
 * `(key, position, doc, columns…)` and a checkpoint; queries filter and sort on the columns.
 */
export interface ReadModelStore {
  /** Creates the tables (idempotent). */
  prepare(tables: readonly TableSpec[]): Promise<void>;
  /**
   * Runs `work` in one transaction. `work` may run more than once: a store whose transactions
   * can deadlock (PostgreSQL) runs it again on a fresh transaction, so it must not act outside
   * `tx` (what it returns is from the run that committed).
   */
  transaction<T>(work: (tx: ReadModelTransaction) => Promise<T>, options?: TransactionOptions): Promise<T>;
  checkpoint(table: string): Promise<Checkpoint | undefined>;
  /**
   * Several tables' checkpoints as of one moment (one read): a clear, or any transaction that
   * moves them, lands before all of them or after all. Read one by one, an engine starting
   * beside a rebuild could see some tables as they were and others as the rebuild left them,
   * and rebuild only some.
   */
  checkpoints(tables: readonly string[]): Promise<Map<string, Checkpoint>>;
  /**
   * Drops every row of each table and leaves its checkpoint at `mark` (a rebuild's REBUILDING),
   * all in one transaction. An inline writer sees either all of them as they were or all
   * marked, so it never folds onto rows another table's checkpoint says are there; and no
   * reader ever sees the tables empty and unmarked, which an engine starting meanwhile would
   * take for new read models and fold as current while the rebuild refills them.
   */
  clear(tables: readonly string[], mark: Checkpoint): Promise<void>;
  /**
   * Optional: `work` refills `tables` from empty (a rebuild), and the store may trade what only
   * live traffic needs for throughput meanwhile — SQLite commits the batches from a second
   * thread (or, in memory, drops the indexes and sorts each once at the end), and checkpoints
   * its WAL less often. Queries still answer meanwhile, only slower, and may not yet see the
   * last batches. Inside `work` a non-durable transaction may resolve before it has committed:
   * the transactions after it read what it wrote, a failure to commit it rejects a later one or
   * bulkRefill itself, and bulkRefill resolves only once every one has committed.
   */
  bulkRefill?<T>(tables: readonly TableSpec[], work: () => Promise<T>): Promise<T>;
  /**
   * Optional: runs `work` while holding a lock that every process sharing these read models
   * takes for the same purpose, so that rebuilds run one at a time; released if the process
   * dies (PostgreSQL: a session advisory lock; SQLite: a lock file beside the database holding
   * the holder's pid). Without it (memory: one process), rebuilds may run side by side.
   */
  exclusively?<T>(purpose: string, work: () => Promise<T>): Promise<T>;
  get<D>(table: string, key: string): Promise<D | undefined>;
  query<D>(table: string, query: RowQuery): Promise<RowPage<D>>;
  close(): Promise<void>;
}
