import type { EventStore } from '../../ports/eventStore';
import { getMemoryEventStore } from './memoryEventStore';
import { getSQLiteEventStore } from './sqlite/sqliteEventStore';
import { parseStoreUrl } from './storeUrl';

export { DEFAULT_STORE, DEFAULT_SQLITE_PATH, parseStoreUrl } from './storeUrl';

/**
 * Opens the store a URL names: `memory:`, `sqlite:<path>` or a bare path (`sqlite:` alone is
 * `.taskledger/events.db`), `postgres://…` (optional `?schema=`), `esdb://…`. A URL it cannot
 * read is `invalid_request` (path `store`); a store it cannot reach is `store_unavailable`,
 * reported here rather than on first use.
 */
export const openEventStore = async (url: string): Promise<EventStore> => {
  const parsed = parseStoreUrl(url);
  switch (parsed.kind) {
    case 'memory':
      return getMemoryEventStore();
    case 'sqlite':
      return getSQLiteEventStore({ path: parsed.path });
    case 'postgres': {
      // Loaded only when named: pg and the gRPC client are most of what opening would load.
      const { getPostgreSQLEventStore } = await import('./postgres/postgresEventStore');
      const store = getPostgreSQLEventStore(parsed);
      await store.ensureSchema().catch(async (e: unknown) => {
        await store.close();
        throw e;
      });
      return store;
    }
    case 'eventstoredb': {
      const { getEventStoreDBEventStore } = await import('./eventstoredb/client');
      const store = getEventStoreDBEventStore(parsed);
      await store.checkConnection().catch(async (e: unknown) => {
        await store.close();
        throw e;
      });
      return store;
    }
  }
};
