import { Pool } from 'pg';
import type { ReadModelStore } from '../../ports/readModelStore';
import { projectInline } from '../../projections/inlineProjections';
import { projections } from '../../projections/registry';
import { getPostgreSQLEventStore } from '../store/postgres/postgresEventStore';
import type { PostgresInlineStatement } from '../store/postgres/postgresAppendStatement';
import { getPostgresReadModels } from '../readModels/postgresReadModels';
import { postgresReadMissing } from './inlinePostgres';
import { getInlinePostgresStatement } from './inlinePostgresStatement';
import type { Storage } from './openStorage';

/**
 * PostgreSQL events with inline read models. In a module of its own: `openStorage` loads it,
 * and with it `pg`, only when a URL names PostgreSQL.
 */
export const postgresStorage = (connectionString: string, schema: string | undefined): Storage => {
  const inline: {
    readModels?: ReturnType<typeof getPostgresReadModels>;
    statement?: PostgresInlineStatement;
  } = {};
  const store = getPostgreSQLEventStore({
    connectionString,
    ...(schema === undefined ? {} : { schema }),
    // Most flushes: the read models fold in memory and ride in the append's one statement.
    inlineStatement: {
      plan: async (events, firstParam) => inline.statement?.plan(events, firstParam),
    },
    onAppended: async (client, events) => {
      if (inline.readModels === undefined) return;
      // Held until the append commits: see shareCheckpoints.
      await inline.readModels.inline.shareCheckpoints(
        client,
        projections.map((p) => p.name),
      );
      await projectInline(
        inline.readModels.transactionOn(client),
        events,
        postgresReadMissing(client, store.schema),
      );
    },
  });
  inline.readModels = getPostgresReadModels(store.pool, store.schema);
  inline.statement = getInlinePostgresStatement(inline.readModels.inline);
  // Concurrent appends would all queue on the checkpoint rows: the engine moves them instead.
  return { store, readModels: inline.readModels.store, mode: 'inline', advanceCheckpoints: true };
};

/** Read models in PostgreSQL standing apart from the events (an EventStoreDB store's). */
export const postgresReadModelsApart = (
  connectionString: string,
  schema: string | undefined,
): ReadModelStore => {
  const pool = new Pool({ connectionString, max: 5 });
  pool.on('error', () => undefined);
  const rm = getPostgresReadModels(pool, schema ?? 'public');
  return { ...rm.store, close: () => pool.end() };
};

/** The read models of an opened PostgreSQL event store, following it asynchronously. */
export const postgresReadModelsOf = (store: {
  readonly pool: unknown;
  readonly schema: unknown;
}): ReadModelStore => getPostgresReadModels(store.pool as Pool, String(store.schema)).store;
