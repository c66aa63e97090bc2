import type { EventStore } from '../../ports/eventStore';
import type { Task } from '../../domain/task';
import type { HistoryEntry } from '../history';
import { queryHistory, HistoryQueryInput } from './historyQuery';
import { stateAt, StateAtQuery } from './stateAt';
import { verifyLog, VerifyOptions, VerifyReport } from './verify';
import { exportHistory, ExportOptions } from './exportHistory';
import { importHistory, ImportResult } from './importHistory';

/** The engine's audit side (DESIGN.md section 7): prove what happened, and move histories between stores. */
export type AuditMethods = {
  /** Every event of the task, with metadata, optionally filtered by type and time; readable after delete. */
  history(id: string, query?: HistoryQueryInput): Promise<HistoryEntry[]>;
  /** The task document as it was at a revision or a moment. */
  stateAt(id: string, query: StateAtQuery): Promise<Task>;
  /** Checks the whole log: revisions, hash chains, and every status change against the machine. */
  verify(options?: VerifyOptions): Promise<VerifyReport>;
  /** Task histories as JSON lines, one event per line. */
  exportHistory(options?: ExportOptions): AsyncIterable<string>;
  /** Loads exported lines, keeping ids and metadata; importing the same lines again changes nothing. */
  importHistory(lines: AsyncIterable<string> | Iterable<string>): Promise<ImportResult>;
};

export type AuditDeps = {
  /** Runs before `importHistory` appends: read models that follow appends inline must exist first. */
  readonly beforeAppend?: () => Promise<void>;
};

export const getAuditMethods = (store: EventStore, deps: AuditDeps = {}): AuditMethods => ({
  history: (id, query) => queryHistory(store, id, query),
  stateAt: (id, query) => stateAt(store, id, query),
  verify: (options) => verifyLog(store, options),
  exportHistory: (options) => exportHistory(store, options),
  importHistory: async (lines) => {
    await deps.beforeAppend?.();
    return importHistory(store, lines);
  },
});
