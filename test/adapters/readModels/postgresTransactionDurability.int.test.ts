import { Pool, PoolClient } from 'pg';
import { getPostgresReadModels } from '../../../src/adapters/readModels/postgresReadModels';
import type { TableSpec } from '../../../src/ports/readModelStore';
import { describeWithPostgres, getTestSchemas } from '../../support/postgres';

const spec: TableSpec = { name: 'things', columns: [], indexes: [], values: () => ({}) };

describeWithPostgres(
  'PostgreSQL read-model transactions that need not be durable (async follower, catch-up)',
  (url) => {
    const schemas = getTestSchemas('durability');
    let pool: Pool;
    // The client each transaction runs on, to ask it what it commits with.
    let lent: PoolClient | undefined;
    beforeEach(() => {
      pool = new Pool({ connectionString: url, max: 1 });
      pool.on('acquire', (client) => (lent = client));
    });
    afterEach(async () => {
      await pool.end();
    });
    afterAll(() => schemas.dropAll());

    const setting = async () =>
      (await (lent as PoolClient).query<{ s: string }>(`SELECT current_setting('synchronous_commit') AS s`))
        .rows[0]?.s;

    it('commit rows and checkpoint without waiting for the WAL flush, and leave the connection as it was', async () => {
      const { store } = getPostgresReadModels(pool, schemas.make());
      await store.prepare([spec]);
      let inside: string | undefined;
      await store.transaction(
        async (tx) => {
          inside = await setting();
          await tx.write(spec, new Map([['a', { doc: { n: 1 }, revision: 0n }]]));
          await tx.setCheckpoint('things', { version: 1, position: 7n });
        },
        { durable: false },
      );
      expect(inside).toBe('off');
      expect(await setting()).toBe('on'); // SET LOCAL: gone with the transaction
      expect(await store.get('things', 'a')).toEqual({ n: 1 });
      expect(await store.checkpoint('things')).toEqual({ version: 1, position: 7n });
    });

    it('are durable unless asked otherwise', async () => {
      const { store } = getPostgresReadModels(pool, schemas.make());
      await store.prepare([spec]);
      let inside: string | undefined;
      await store.transaction(async (tx) => {
        inside = await setting();
        await tx.setCheckpoint('things', { version: 1, position: 1n });
      });
      expect(inside).toBe('on');
    });
  },
);
