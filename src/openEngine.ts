import type { EventStore } from './ports/eventStore';
import { createEngine, Engine, EngineOptions } from './engine/engine';
import { openEventStore, DEFAULT_STORE } from './adapters/store/openEventStore';

export type OpenEngineOptions = Omit<EngineOptions, 'store'> & {
  /** A store URL (`sqlite:./path.db`, `postgres://…`, `esdb://…`, `memory:`) or an opened store. */
  readonly store?: string | EventStore;
};

/**
 * Opens the engine on a store given by URL (default: the embedded SQLite file
 * `.taskledger/events.db`, or `TASKLEDGER_STORE`). The composition root: the only place that
 * knows both the engine and the store adapters.
 */
export const openEngine = async (options: OpenEngineOptions = {}): Promise<Engine> => {
  const { store = process.env['TASKLEDGER_STORE'] ?? DEFAULT_STORE, ...rest } = options;
  const opened = typeof store === 'string' ? await openEventStore(store) : store;
  return createEngine({ ...rest, store: opened });
};
