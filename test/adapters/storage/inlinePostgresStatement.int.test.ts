import { createEngine, type Engine } from '../../../src/engine/engine';
import { manualClock } from '../../../src/engine/clock';
import { openStorage, type Storage } from '../../../src/adapters/storage/openStorage';
import { REBUILDING, settling } from '../../../src/projections/checkpointVersions';
import { lastMetrics } from '../../../src/projections/lastMetrics';
import { foldedAfresh, snapshot } from '../../projections/readModelCases';
import {
  describeWithPostgres,
  getTestSchemas,
  untilWaitingForLock,
  waitsForLock,
} from '../../support/postgres';

const schemas = getTestSchemas('inl');
afterAll(schemas.dropAll);

/**
 * Inline read models on PostgreSQL ride in the append's one statement, folded onto rows each
 * engine keeps in memory. These check that kept rows never outlive what they stand for: another
 * writer moving the stream, a rebuild starting or ending in another process.
 */
describeWithPostgres('PostgreSQL inline read models in the one-statement append', (url) => {
  const engines: Engine[] = [];
  afterEach(async () => {
    await Promise.all(engines.splice(0).map((e) => e.close()));
  });

  /** An engine on a new storage, or on one already open (its kept rows shared, its streams not). */
  const open = async (schema: string, shared?: Storage) => {
    const storage: Storage = shared ?? (await openStorage(`${url}?schema=${schema}`));
    const engine = createEngine({
      store: storage.store,
      readModels: storage,
      clock: manualClock('2026-01-01T00:00:00.000Z'),
      actor: 'alice',
    });
    engines.push(engine);
    return { storage, engine };
  };

  const metric = (iteration: number) => ({
    id: 'x',
    metrics: [{ metric: 'loss', variant: 'train', iteration, value: iteration / 10 }],
  });

  it('stays equal to a rebuild when two engines write the same tasks in turns', async () => {
    const schema = schemas.make();
    const a = await open(schema);
    const b = await open(schema);
    await a.engine.create({ id: 'x', name: 'x', type: 'training' });
    await a.engine.create({ id: 'y', name: 'y', type: 'training' });
    await b.engine.enqueue({ id: 'x', queue: 'q' });
    await a.engine.started({ id: 'x' }); // a's rows for x are one revision behind: never used
    await b.engine.reportMetrics(metric(1));
    await a.engine.reportMetrics(metric(2));
    await b.engine.edit({ id: 'y', name: 'y2' });
    await a.engine.edit({ id: 'y', name: 'y3' });
    await b.engine.completed({ id: 'x' });
    // An engine that loads the stream afresh expects its true revision at once: the rows kept
    // beside it are older, and must be read again rather than folded onto.
    const a2 = await open(schema, a.storage);
    await b.engine.edit({ id: 'y', name: 'y4' });
    await a2.engine.edit({ id: 'y', comment: 'seen by a2' });

    const inline = await snapshot(a.storage.readModels);
    expect(inline['task_index']?.['y']).toMatchObject({ name: 'y4', comment: 'seen by a2' });
    expect(inline['last_metrics']?.['x']).toMatchObject({
      metrics: { loss: { train: { count: 2 } } },
    });
    await a.engine.rebuild();
    expect(await snapshot(a.storage.readModels)).toEqual(inline);
  });

  it('leaves a projection being rebuilt elsewhere alone, and writes it again once it is current', async () => {
    const schema = schemas.make();
    const a = await open(schema);
    await a.engine.create({ id: 'x', name: 'x', type: 'training' });
    await a.engine.reportMetrics(metric(1));

    // Another process starts rebuilding last_metrics: its rows are gone, its checkpoint says so.
    const b = await open(schema);
    await b.storage.readModels.clear(['last_metrics'], { version: REBUILDING, position: 0n });
    await a.engine.reportMetrics(metric(2));
    expect(await b.storage.readModels.get('last_metrics', 'x')).toBeUndefined();

    await b.engine.rebuild(['last_metrics']);
    await a.engine.reportMetrics(metric(3));
    await a.engine.reportMetrics(metric(4));
    expect(await a.engine.lastMetrics('x')).toMatchObject({
      metrics: { loss: { train: { count: 4, value: 0.4 } } },
    });
    const inline = await snapshot(a.storage.readModels);
    await a.engine.rebuild();
    expect(await snapshot(a.storage.readModels)).toEqual(inline);
  });

  it('folds while a rebuild elsewhere settles, leaving its checkpoint for that rebuild to end', async () => {
    const schema = schemas.make();
    const a = await open(schema);
    await a.engine.create({ id: 'x', name: 'x', type: 'training' });
    await a.engine.reportMetrics(metric(1));
    const at = (await a.storage.readModels.checkpoint('last_metrics'))?.position ?? 0n;

    // Another process has refilled last_metrics and is folding what was skipped meanwhile.
    const b = await open(schema);
    await b.storage.readModels.transaction((tx) =>
      tx.setCheckpoint('last_metrics', { version: settling(lastMetrics.version), position: at }),
    );
    await a.engine.reportMetrics(metric(2));
    await a.engine.reportMetrics(metric(3));
    expect(await b.storage.readModels.get('last_metrics', 'x')).toMatchObject({
      metrics: { loss: { train: { count: 3, value: 0.3 } } },
    });
    expect(await b.storage.readModels.checkpoint('last_metrics')).toEqual({
      version: settling(lastMetrics.version),
      position: at,
    });

    // A start that finds it settling (that rebuild stopped) ends it.
    const c = await open(schema);
    await c.engine.list();
    expect((await c.storage.readModels.checkpoint('last_metrics'))?.version).toBe(lastMetrics.version);
    const inline = await snapshot(a.storage.readModels);
    await a.engine.rebuild();
    expect(await snapshot(a.storage.readModels)).toEqual(inline);
  });

  it('catches up rows left behind their stream before folding onto them', async () => {
    const schema = schemas.make();
    const a = await open(schema);
    await a.engine.create({ id: 'x', name: 'x', type: 'training' });
    await a.engine.reportMetrics(metric(1));
    // A fresh engine keeps no rows: it reads them, finds them missing though the stream has
    // events, and leaves the flush to the path that reads the stream to fill the gap.
    const b = await open(schema);
    const pool = (b.storage.store as unknown as { pool: import('pg').Pool }).pool;
    for (const table of ['rm_task_index', 'rm_last_metrics'])
      await pool.query(`DELETE FROM "${schema}".${table} WHERE "key" = 'x'`);
    await b.engine.reportMetrics(metric(2));
    const inline = await snapshot(b.storage.readModels);
    expect(inline['last_metrics']?.['x']).toMatchObject({ metrics: { loss: { train: { count: 2 } } } });
    await b.engine.rebuild();
    expect(await snapshot(b.storage.readModels)).toEqual(inline);
  });

  it('an append in flight when a rebuild starts settling folds its events, or the settling waits for it', async () => {
    // Regression (a stress run lost a task's last events): an append read REBUILDING and
    // skipped its rows while the rebuild moved to settling, then committed after the rebuild's
    // last pass had read the log. Appends now hold the checkpoints they read until they commit.
    const schema = schemas.make();
    const a = await open(schema);
    await a.engine.create({ id: 'x', name: 'x', type: 'training' });
    await a.engine.enqueue({ id: 'x', queue: 'q' });
    const pool = (a.storage.store as unknown as { pool: import('pg').Pool }).pool;
    const checkpoints = `"${schema}".rm_checkpoints`;
    // A rebuild refilling: inline appends leave its rows alone.
    await pool.query(`UPDATE ${checkpoints} SET version = $1`, [REBUILDING]);
    const rebuild = await pool.connect();
    try {
      // It moves to settling, and has not committed yet.
      await rebuild.query('BEGIN');
      await rebuild.query(`UPDATE ${checkpoints} SET version = $1`, [settling(1)]);
      const appending = a.engine.started({ id: 'x' });
      const waiting = () => waitsForLock(pool, schema, 'rm_checkpoints');
      // Without the hold the append neither waits nor folds: give it time to finish first.
      for (let tries = 0; tries < 100 && !(await waiting()); tries++)
        await new Promise((resolve) => setTimeout(resolve, 20));
      await rebuild.query('COMMIT');
      await appending;
    } finally {
      await rebuild.query('ROLLBACK').catch(() => undefined);
      rebuild.release();
    }
    // The append committed after the settling: it read settling, and folded its own event.
    expect(await a.storage.readModels.get('task_index', 'x')).toMatchObject({ status: 'in_progress' });
  });

  it('an append that meets a rebuild clearing its tables never leaves a partial row', async () => {
    // Why the one-statement append needs no hold on the checkpoints: only a writer that skips
    // rows can lose events. The statement takes its tables' locks before its snapshot, so it
    // runs wholly before a clear (which then waits for it) or wholly after (its guard sees the
    // marks, and the flush is planned again, skipping the rows for the refill); and a row it
    // writes is always its task's whole fold at the revision it checked.
    const schema = schemas.make();
    const a = await open(schema);
    await a.engine.create({ id: 'x', name: 'x', type: 'training' });
    await a.engine.create({ id: 'y', name: 'y', type: 'training' });
    await a.engine.enqueue({ id: 'x', queue: 'q' });
    await a.engine.reportMetrics(metric(1));
    const pool = (a.storage.store as unknown as { pool: import('pg').Pool }).pool;
    const tables = ['rm_task_index', 'rm_executions', 'rm_last_metrics', 'rm_task_tree'].map(
      (t) => `"${schema}".${t}`,
    );
    const clear = await pool.connect();
    try {
      // A rebuild's clear, as ReadModelStore.clear does it, not committed yet.
      await clear.query('BEGIN');
      await clear.query(`SELECT name FROM "${schema}".rm_checkpoints ORDER BY name FOR UPDATE`);
      await clear.query(`LOCK TABLE ${tables.join(', ')} IN SHARE ROW EXCLUSIVE MODE`);
      await clear.query(`UPDATE "${schema}".rm_checkpoints SET version = $1, position = 0`, [REBUILDING]);
      for (const t of tables) await clear.query(`DELETE FROM ${t}`);
      // The engine's rows for x are kept: this append takes the one-statement path.
      const appending = a.engine.started({ id: 'x' });
      await untilWaitingForLock(pool, 'the append', schema, 'append_planned');
      await clear.query('COMMIT');
      await appending;
    } finally {
      await clear.query('ROLLBACK').catch(() => undefined);
      clear.release();
    }
    const fresh = await foldedAfresh(a.storage.store);
    expect(fresh['task_index']?.['x']).toMatchObject({ status: 'in_progress', queue: 'q' });
    const afterClear = await snapshot(a.storage.readModels);
    for (const [table, rows] of Object.entries(afterClear))
      for (const [key, row] of Object.entries(rows ?? {}))
        expect([table, key, row]).toEqual([table, key, fresh[table]?.[key]]);
    // The rebuild that cleared them refills around it and ends equal to a fold from scratch.
    const b = await open(schema);
    await b.engine.rebuild();
    expect(await snapshot(b.storage.readModels)).toEqual(fresh);
  });
});
