import type { Checkpoint } from '../../ports/readModelStore';

/**
 * Rows of one table, as two strings: the documents' JSON texts joined by newlines (JSON text
 * has none of its own; an empty line is a tombstone), and `[key, revision, ...column values]`
 * of every row as one JSON array. A string crosses to the thread as one copy of its bytes; the
 * same rows as arrays of values, or of strings, were copied value by value, which cost the
 * main thread more than the writes it handed over.
 */
export type TableRows = {
  readonly table: string;
  readonly columns: readonly string[];
  readonly docs: string;
  readonly rest: string;
};

/** One read-model transaction: its rows and its checkpoints commit together or not at all. */
export type WriterCommit = {
  readonly kind: 'commit';
  readonly id: number;
  readonly tables: readonly TableRows[];
  readonly checkpoints: readonly { readonly name: string; readonly checkpoint: Checkpoint }[];
};

/** What the main thread sends: commits in order, then `close` once (the thread then ends). */
export type ToWriter = WriterCommit | { readonly kind: 'close' };

/** What the writer answers for each commit. */
export type FromWriter =
  | { readonly kind: 'committed'; readonly id: number }
  | { readonly kind: 'failed'; readonly id: number; readonly message: string; readonly code?: string };

/** What the thread is started with (workerData). */
export type WriterSettings = {
  readonly path: string;
  readonly busyTimeoutMs: number;
  readonly walAutocheckpointPages: number;
};
