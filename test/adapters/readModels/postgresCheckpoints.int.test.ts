import { Pool } from 'pg';
import { getPostgresReadModels } from '../../../src/adapters/readModels/postgresReadModels';
import { applyBatch } from '../../../src/projections/applyBatch';
import { toProjectedEvents } from '../../../src/projections/projectedEvents';
import { readMissingFrom } from '../../../src/projections/projectionRunner';
import { projections, tableOf } from '../../../src/projections/registry';
import type { RecordedEvent } from '../../../src/ports/eventStore';
import { testEngine } from '../../support/engine';
import { describeWithPostgres, getTestSchemas } from '../../support/postgres';
import { describeSetCheckpoints } from './checkpointCases';

const schemas = getTestSchemas('checkpoints');
const pools: Pool[] = [];
afterAll(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.end()));
  await schemas.dropAll();
});

/** A pool that records the text of every statement its clients send. */
const recordingPool = (url: string) => {
  const pool = new Pool({ connectionString: url, max: 1 });
  pools.push(pool);
  const sent: string[] = [];
  // 'connect' comes once per client ('acquire' on every lending), so each is wrapped once.
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (config: unknown, ...rest: unknown[]) => unknown;
    client.query = ((config: unknown, ...rest: unknown[]) => {
      sent.push(typeof config === 'string' ? config : String((config as { text?: unknown }).text));
      return query(config, ...rest);
    }) as typeof client.query;
  });
  return { pool, sent };
};

describeWithPostgres('PostgreSQL checkpoints', (url) => {
  describeSetCheckpoints('PostgreSQL', async () => {
    const { store } = getPostgresReadModels(recordingPool(url).pool, schemas.make());
    await store.prepare([]);
    return store;
  });

  it('a follower batch locks every projection checkpoint in one statement and moves them in one more', async () => {
    const { engine, store: events } = testEngine();
    for (const id of ['a', 'b', 'c']) {
      await engine.create({ id, name: id, type: 'training' });
      await engine.enqueue({ id });
      await engine.started({ id, worker: 'w' });
      await engine.reportMetrics({ id, metrics: [{ metric: 'm', variant: 'v', iteration: 1, value: 2 }] });
    }
    await engine.completed({ id: 'a', worker: 'w' });
    const batch: RecordedEvent[] = [];
    for await (const e of events.readAll()) batch.push(e);
    const last = batch[batch.length - 1]?.position ?? 0n;

    const { pool, sent } = recordingPool(url);
    const { store } = getPostgresReadModels(pool, schemas.make());
    await store.prepare(projections.map(tableOf));
    // A store that has folded before: every checkpoint has its row (absent ones are locked
    // again when recorded, since there was nothing to lock the first time).
    await store.transaction((tx) =>
      tx.setCheckpoints(new Map(projections.map((p) => [p.name, { version: p.version, position: 0n }]))),
    );
    sent.length = 0;
    await store.transaction(
      (tx) =>
        applyBatch(tx, projections, toProjectedEvents(batch), readMissingFrom(events), {
          checkpoint: { position: last },
        }),
      { durable: false },
    );

    expect(projections.length).toBeGreaterThan(1);
    expect(sent.filter((text) => text.includes('rm_checkpoints') && /\bINSERT\b/i.test(text))).toHaveLength(
      1,
    );
    // Locked before the rows, as every writer takes them, and not again to record them.
    expect(sent.filter((text) => text.includes('rm_checkpoints') && /FOR UPDATE/.test(text))).toHaveLength(1);
    for (const p of projections)
      expect(await store.checkpoint(p.name)).toEqual({ version: p.version, position: last });
    expect(await store.get('task_index', 'a')).toMatchObject({ id: 'a', status: 'completed' });
    await engine.close();
  });
});
