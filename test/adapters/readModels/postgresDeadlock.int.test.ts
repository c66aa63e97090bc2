import { Pool } from 'pg';
import { getPostgresReadModels } from '../../../src/adapters/readModels/postgresReadModels';
import type { TableSpec } from '../../../src/ports/readModelStore';
import { describeWithPostgres, getTestSchemas } from '../../support/postgres';

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
    // Statements on this schema waiting for a lock (the cluster may be busy with other tests).
    const lockWaits = async () =>
      Number(
        (
          await pool.query<{ n: string }>(
            `SELECT count(*)::text AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND strpos(query, $1) > 0`,
            [schema],
          )
        ).rows[0]?.n,
      );
    try {
      await other.query('BEGIN');
      await other.query(`UPDATE "${schema}".rm_things SET revision = revision WHERE "key" = 'a'`);
      let runs = 0;
      // b, then a: a waits for `other`, which then asks for b. The store's side waited first, so
      // PostgreSQL's check (after deadlock_timeout) finds the cycle there and aborts it.
      const writing = store.transaction(async (tx) => {
        runs++;
        await tx.write(spec, new Map([['b', row(runs)]]));
        await tx.write(spec, new Map([['a', row(runs)]]));
      });
      for (let tries = 0; (await lockWaits()) === 0; tries++) {
        if (tries > 500) throw new Error('the transaction never waited for the lock');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await other.query(`UPDATE "${schema}".rm_things SET revision = revision WHERE "key" = 'b'`);
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
