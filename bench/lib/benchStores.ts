import { tempPostgresSchema, tempSQLiteFile, TempStore } from './tempStores';

/** The stores the engine workloads run on. */
export type EngineStoreKind = 'memory' | 'sqlite' | 'postgres';

/** A fresh, empty store of that kind, as an `openEngine` URL. */
export const freshEngineStore = (kind: EngineStoreKind, label: string): TempStore => {
  switch (kind) {
    case 'memory':
      return { url: 'memory:', cleanup: async () => undefined };
    case 'sqlite':
      return tempSQLiteFile(label);
    case 'postgres':
      return tempPostgresSchema(label);
  }
};
