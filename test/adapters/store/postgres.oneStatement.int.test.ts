import { Pool } from 'pg';
import { getPostgreSQLEventStore } from '../../../src/adapters/store/postgres/postgresEventStore';
import type { PostgresInlineStatement } from '../../../src/adapters/store/postgres/postgresAppendStatement';
import { anEvent, collect, idsOf } from '../../contract/contractSupport';
import { describeWithPostgres, getTestSchemas } from '../../support/postgres';

const schemas = getTestSchemas('pg1');
afterAll(schemas.dropAll);

/**
 * The one-statement append: appends that name their revision are planned as if it were right
 * and go in with their inline writes in one autocommitted statement; whatever that statement
 * refuses is undone whole and answered by the path that reads first.
 */
describeWithPostgres('postgres one-statement append', (connectionString) => {
  const admin = new Pool({ connectionString, max: 2 });
  afterAll(() => admin.end());

  /** A store whose inline writes note event ids: in the statement (`planned`) or in the hook. */
  const openNoting = async () => {
    const schema = schemas.make();
    const settled: boolean[] = [];
    const allow = { value: true };
    const inlineStatement: PostgresInlineStatement = {
      plan: async (events, firstParam) => ({
        ctes: [
          `noted AS (INSERT INTO "${schema}".noted (event_id, path)
             SELECT id, 'planned' FROM jsonb_array_elements_text($${firstParam}::jsonb) AS id RETURNING 1)`,
        ],
        guard: `$${firstParam + 1}::boolean`,
        params: [JSON.stringify(events.map((e) => e.id)), allow.value],
        settled: (committed) => settled.push(committed),
      }),
    };
    const store = getPostgreSQLEventStore({
      connectionString,
      schema,
      pollIntervalMs: 50,
      inlineStatement,
      onAppended: async (client, events) => {
        for (const event of events)
          await client.query(`INSERT INTO "${schema}".noted (event_id, path) VALUES ($1, 'hook')`, [
            event.id,
          ]);
      },
    });
    await store.ensureSchema();
    await admin.query(`CREATE TABLE "${schema}".noted (event_id text PRIMARY KEY, path text NOT NULL)`);
    const noted = async () =>
      (await admin.query(`SELECT event_id, path FROM "${schema}".noted ORDER BY path, event_id`)).rows;
    return { store, schema, settled, allow, noted };
  };

  it('commits the planned inline writes with the events, or neither when the guard fails', async () => {
    const { store, settled, allow, noted } = await openNoting();
    try {
      const first = anEvent();
      await store.appendToStream('task-1', [first], { expectedRevision: 'no_stream' });
      expect(await noted()).toEqual([{ event_id: first.id, path: 'planned' }]);

      allow.value = false;
      const second = anEvent();
      const result = await store.appendToStream('task-1', [second], { expectedRevision: 0n });
      expect(result.nextExpectedRevision).toBe(1n);
      // The statement was undone whole; the reading path appended and ran the hook instead.
      expect(await noted()).toEqual([
        { event_id: second.id, path: 'hook' },
        { event_id: first.id, path: 'planned' },
      ]);
      expect(settled).toEqual([true, false]);
      expect(idsOf(await collect(store.readAll()))).toEqual([first.id, second.id]);
    } finally {
      await store.close();
    }
  });

  it('answers a conflict as the reading path does, having written nothing', async () => {
    const { store, settled, noted } = await openNoting();
    try {
      await expect(
        store.appendToStream('task-1', [anEvent()], { expectedRevision: 3n }),
      ).rejects.toMatchObject({ code: 'conflict', details: { expected: '3', actual: 'no_stream' } });
      const created = anEvent();
      await store.appendToStream('task-1', [created], { expectedRevision: 'no_stream' });
      // A retry of the same append after it landed: the statement finds the stream moved.
      const retried = await store.appendToStream('task-1', [created], { expectedRevision: 'no_stream' });
      expect(retried.nextExpectedRevision).toBe(0n);
      expect(settled).toEqual([false, true, false]);
      expect(await noted()).toEqual([{ event_id: created.id, path: 'planned' }]);
      expect(idsOf(await collect(store.readAll()))).toEqual([created.id]);
    } finally {
      await store.close();
    }
  });

  it('never skips a hook it has no plan for: such a store appends through the hook', async () => {
    const seen: string[] = [];
    const store = getPostgreSQLEventStore({
      connectionString,
      schema: schemas.make(),
      onAppended: async (_client, events) => {
        seen.push(...events.map((e) => e.id));
      },
    });
    try {
      const created = anEvent();
      await store.appendToStream('task-1', [created], { expectedRevision: 'no_stream' });
      expect(seen).toEqual([created.id]);
    } finally {
      await store.close();
    }
  });

  it('upgrades a schema made by the version before it', async () => {
    const schema = schemas.make();
    const older = getPostgreSQLEventStore({ connectionString, schema });
    await older.ensureSchema();
    await older.close();
    await admin.query(`DROP FUNCTION "${schema}".append_planned`);
    await admin.query(`DELETE FROM "${schema}".schema_version WHERE version > 1`);
    const store = getPostgreSQLEventStore({ connectionString, schema });
    try {
      await store.appendToStream('task-1', [anEvent()], { expectedRevision: 'no_stream' });
      await store.appendToStream('task-1', [anEvent()], { expectedRevision: 0n });
      const { rows } = await admin.query(`SELECT version FROM "${schema}".schema_version ORDER BY version`);
      expect(rows).toEqual([{ version: 1 }, { version: 2 }]);
      expect(await collect(store.readStream('task-1'))).toHaveLength(2);
    } finally {
      await store.close();
    }
  });
});
