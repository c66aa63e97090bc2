import { Pool } from 'pg';
import { getPostgresReadModels } from '../../../src/adapters/readModels/postgresReadModels';
import type { TableSpec } from '../../../src/ports/readModelStore';
import { describeWithPostgres, getTestSchemas, untilWaitingForLock } from '../../support/postgres';

const spec: TableSpec = { name: 'things', columns: [], indexes: [], values: () => ({}) };
const row = (n: number) => ({ doc: { n }, revision: BigInt(n) });

describeWithPostgres('PostgreSQL read-model transactions and deadlocks', (url) => {
  const schemas = getTestSchemas('deadlock');
  const pool = new Pool({ connectionString: url, max: 4 });
  afterAll(async () => {
    await pool.end();
    await schemas.dropAll();
  });

  it('run the work again on a fresh transaction when PostgreSQL picks it to break a deadlock', async () => {
    const schema = schemas.make();
    const { store } = getPostgresReadModels(pool, schema);
    await store.prepare([spec]);
    await store.transaction((tx) =>
      tx.write(
        spec,
        new Map([
          ['a', row(0)],
          ['b', row(0)],
        ]),
      ),
    );
    const other = await pool.connect();
    try {
      await other.query('BEGIN');
      // Only the store's side may find the cycle: its check runs a second after its own wait
      // began, and the cycle is complete by then however slow the machine is. (Were `other`
      // to wait with the default too, a check of its own could come first and abort it.)
      await other.query(`SET LOCAL deadlock_timeout = '1min'`);
      await other.query(`UPDATE "${schema}".rm_things SET revision = revision WHERE "key" = 'a'`);
      let runs = 0;
      let otherUpdate: Promise<unknown> | undefined;
      // b, then a: `other` holds a and waits for b before the store's side asks for a.
      const writing = store.transaction(async (tx) => {
        runs++;
        await tx.write(spec, new Map([['b', row(runs)]]));
        if (runs === 1) {
          otherUpdate = other.query(`UPDATE "${schema}".rm_things SET revision = revision WHERE "key" = 'b'`);
          await untilWaitingForLock(pool, 'the other transaction', schema);
        }
        await tx.write(spec, new Map([['a', row(runs)]]));
      });
      // The store's first run is aborted to break the deadlock: `other` then gets b.
      while (otherUpdate === undefined) await new Promise((resolve) => setTimeout(resolve, 10));
      await otherUpdate;
      await other.query('COMMIT');
      await writing;
      expect(runs).toBe(2);
      expect([await store.get('things', 'a'), await store.get('things', 'b')]).toEqual([{ n: 2 }, { n: 2 }]);
    } finally {
      await other.query('ROLLBACK').catch(() => undefined);
      other.release();
    }
  }, 20_000);
});
