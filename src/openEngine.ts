import type { EventStore } from './ports/eventStore';
import { createEngine, Engine, EngineOptions } from './engine/engine';
import { DEFAULT_STORE } from './adapters/store/openEventStore';
import { openStorage } from './adapters/storage/openStorage';
import { getMemoryReadModels } from './adapters/readModels/memoryReadModels';

export type OpenEngineOptions = Omit<EngineOptions, 'store' | 'readModels'> & {
  /** A store URL (`sqlite:./path.db`, `postgres://…`, `esdb://…`, `memory:`) or an opened store. */
  readonly store?: string | EventStore;
  /** With EventStoreDB: where the read models live (`sqlite:…` or `postgres://…`). */
  readonly readModels?: string;
};

/**
 * Opens the engine on a store given by URL (default: the embedded SQLite file
 * `.taskledger/events.db`, or `TASKLEDGER_STORE`), with its read models beside it. The
 * composition root: the only place that knows both the engine and the adapters.
 */
export const openEngine = async (options: OpenEngineOptions = {}): Promise<Engine> => {
  const { store = process.env['TASKLEDGER_STORE'] ?? DEFAULT_STORE, readModels, ...rest } = options;
  if (typeof store !== 'string') {
    // A store opened by the caller: read models in memory, following its subscription.
    return createEngine({ ...rest, store, readModels: { readModels: getMemoryReadModels(), mode: 'async' } });
  }
  const storage = await openStorage(store, readModels === undefined ? {} : { readModels });
  return createEngine({
    ...rest,
    store: storage.store,
    readModels: storage,
  });
};
