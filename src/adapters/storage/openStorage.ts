import type { EventStore } from '../../ports/eventStore';
import type { ReadModelStore } from '../../ports/readModelStore';
import { streamNameOf } from '../../domain/task';
import { invalidRequest } from '../../domain/errors';
import { projectInlineSync } from '../../projections/inlineProjections';
import { toProjectedEvents } from '../../projections/projectedEvents';
import { getMemoryEventStore } from '../store/memoryEventStore';
import { getSQLiteEventStore } from '../store/sqlite/sqliteEventStore';
import { openEventStore } from '../store/openEventStore';
import { parseStoreUrl } from '../store/storeUrl';
import { getMemoryReadModels } from '../readModels/memoryReadModels';
import { getSQLiteReadModels } from '../readModels/sqliteReadModels';
import { sqliteReadMissing } from './inlineSQLite';

/**
 * Where events and read models live, and how the read models follow: `inline` inside each
 * append's transaction (memory, SQLite, PostgreSQL), or `async` following a subscription (the
 * only way with EventStoreDB, whose read models live in SQLite or PostgreSQL).
 */
export type Storage = {
  readonly store: EventStore;
  readonly readModels: ReadModelStore;
  readonly mode: 'inline' | 'async';
  /** Inline writers leave the checkpoints to the engine (PostgreSQL: see ReadModelSettings). */
  readonly advanceCheckpoints?: boolean;
};

export type StorageOptions = {
  /**
   * How SQLite and PostgreSQL read models follow the events: `inline` (the default: inside each
   * append, read-your-writes for every process) or `async` (after the append, in batches gathered
   * for up to 10 ms: on SQLite the higher append rate, on PostgreSQL about even; an engine still
   * reads its own writes, other processes a moment later). Also `?projections=` in the URL.
   */
  readonly projections?: 'inline' | 'async';
  /** Where the read models of an EventStoreDB store live: a `sqlite:` or `postgres://` URL. */
  readonly readModels?: string;
};

/** Memory events with inline read models (synchronous: nothing to open). */
export const memoryStorage = (): Storage => {
  const readModels = getMemoryReadModels();
  const store = getMemoryEventStore({
    onAppended: (events) =>
      readModels.runSync((tx) =>
        projectInlineSync(tx, events, (taskId, from, to) =>
          toProjectedEvents(store.readStreamSync(streamNameOf(taskId), from, to)),
        ),
      ),
  });
  return { store, readModels, mode: 'inline' };
};

const sqliteStorage = (path: string, synchronous: 'full' | 'normal'): Storage => {
  // The read models need the store's connection, and the store needs their hook: tied after.
  const inline: { readModels?: ReturnType<typeof getSQLiteReadModels> } = {};
  const store = getSQLiteEventStore({
    path,
    synchronous,
    onAppended: (db, events) => {
      if (inline.readModels !== undefined)
        projectInlineSync(inline.readModels.sync, events, sqliteReadMissing(db));
    },
  });
  inline.readModels = getSQLiteReadModels(store.database);
  return { store, readModels: inline.readModels.store, mode: 'inline' };
};

// PostgreSQL's and EventStoreDB's adapters (pg, the gRPC client) are loaded only when a URL
// names them: most of what the engine would otherwise load at start, and an SQLite user needs none.
const loadPostgresStorage = () => import('./postgresStorage');

/** Read models standing apart from the events (async mode). */
const openReadModels = async (url: string): Promise<ReadModelStore> => {
  const parsed = parseStoreUrl(url);
  if (parsed.kind === 'sqlite') {
    const store = getSQLiteEventStore({ path: parsed.path });
    const rm = getSQLiteReadModels(store.database);
    return { ...rm.store, close: () => store.close() };
  }
  if (parsed.kind === 'memory') return getMemoryReadModels();
  if (parsed.kind === 'postgres')
    return (await loadPostgresStorage()).postgresReadModelsApart(parsed.connectionString, parsed.schema);
  throw invalidRequest(`read models cannot live in ${parsed.kind}`, 'readModels');
};

/** Opens the events and the read models a store URL names. */
const PROJECTIONS_PARAM = /([?&])projections=(inline|async)(&|$)/;
const SYNCHRONOUS_PARAM = /([?&])synchronous=(full|normal)(&|$)/i;

/** Takes `synchronous=normal|full` out of an SQLite URL: FULL unless asked (NORMAL may lose the last commits on a power cut). */
export const splitSynchronousParam = (url: string): { url: string; synchronous: 'full' | 'normal' } => {
  const match = SYNCHRONOUS_PARAM.exec(url);
  if (match === null) return { url, synchronous: 'full' };
  const rest = url.replace(SYNCHRONOUS_PARAM, (_all, before: string, _mode, after: string) =>
    after === '&' ? before : '',
  );
  return { url: rest, synchronous: match[2]?.toLowerCase() === 'normal' ? 'normal' : 'full' };
};

/** Takes `projections=inline|async` out of a store URL: it is ours, not the store's. */
export const splitProjectionsParam = (url: string): { url: string; projections?: 'inline' | 'async' } => {
  const match = PROJECTIONS_PARAM.exec(url);
  if (match === null) return { url };
  const rest = url.replace(PROJECTIONS_PARAM, (_all, before: string, _mode, after: string) =>
    after === '&' ? before : '',
  );
  return { url: rest, projections: match[2] as 'inline' | 'async' };
};

/** The same stores with their read models following asynchronously (no inline hook). */
const asyncStorage = async (url: string, parsed: ReturnType<typeof parseStoreUrl>): Promise<Storage> => {
  const store = await openEventStore(url);
  if (parsed.kind === 'sqlite' && 'database' in store) {
    const readModels = getSQLiteReadModels(store.database as Parameters<typeof getSQLiteReadModels>[0]);
    return { store, readModels: readModels.store, mode: 'async' };
  }
  if (parsed.kind === 'postgres' && 'pool' in store && 'schema' in store)
    return {
      store,
      readModels: (await loadPostgresStorage()).postgresReadModelsOf(store),
      mode: 'async',
    };
  return { store, readModels: getMemoryReadModels(), mode: 'async' };
};

/** Opens the events and the read models a store URL names. */
export const openStorage = async (input: string, options: StorageOptions = {}): Promise<Storage> => {
  const split = splitProjectionsParam(input);
  const { projections = options.projections ?? 'inline' } = split;
  const { url, synchronous } = splitSynchronousParam(split.url);
  const parsed = parseStoreUrl(url);
  if (projections === 'async' && (parsed.kind === 'sqlite' || parsed.kind === 'postgres')) {
    return asyncStorage(url, parsed);
  }
  switch (parsed.kind) {
    case 'memory':
      return memoryStorage();
    case 'sqlite':
      return sqliteStorage(parsed.path, synchronous);
    case 'postgres':
      return (await loadPostgresStorage()).postgresStorage(parsed.connectionString, parsed.schema);
    case 'eventstoredb': {
      const store = await openEventStore(url);
      const readModels = await openReadModels(options.readModels ?? 'memory:');
      return { store, readModels, mode: 'async' };
    }
  }
};
