import fc from 'fast-check';
import { createEngine, Engine } from '../../src/engine/engine';
import { manualClock } from '../../src/engine/clock';
import type { Storage } from '../../src/adapters/storage/openStorage';
import type { ReadModelStore } from '../../src/ports/readModelStore';
import type { EventStore } from '../../src/ports/eventStore';
import { getMemoryReadModels } from '../../src/adapters/readModels/memoryReadModels';
import { getProjectionRunner } from '../../src/projections/projectionRunner';
import { projections } from '../../src/projections/registry';
import { REBUILDING } from '../../src/projections/checkpointVersions';
import { sortableFields } from '../../src/engine/queries/listQuery';
import { commandOn } from '../support/commandArbitrary';

/** Every row of every projection: what "the read models" are, for comparing two of them. */
export const snapshot = async (readModels: ReadModelStore) => {
  const all: Record<string, Record<string, unknown>> = {};
  for (const p of projections) {
    const page = await readModels.query<unknown>(p.name, {
      where: [],
      sort: { column: 'key', direction: 'asc' },
      limit: 1_000_000,
    });
    all[p.name] = Object.fromEntries(page.rows.map((r) => [r.key, r.doc]));
  }
  return all;
};

/** The read models a fold of the whole log into fresh memory read models gives. */
export const foldedAfresh = async (store: EventStore) => {
  const readModels = getMemoryReadModels();
  await getProjectionRunner({ store, readModels }).prepare();
  return snapshot(readModels);
};

const engineOver = (storage: Storage) => {
  const clock = manualClock('2026-01-01T00:00:00.000Z');
  return {
    clock,
    engine: createEngine({
      store: storage.store,
      readModels: storage,
      clock,
      actor: 'alice',
    }),
  };
};

/** The read-model behaviour every storage must give: run by the memory, SQLite and PostgreSQL suites. */
export const describeReadModels = (
  label: string,
  open: () => Promise<Storage>,
  options: { runs: number },
) => {
  describe(`read models on ${label}`, () => {
    const engines: Engine[] = [];
    const start = async () => {
      const storage = await open();
      const opened = engineOver(storage);
      engines.push(opened.engine);
      return { ...opened, storage };
    };
    afterEach(async () => {
      await Promise.all(engines.splice(0).map((e) => e.close()));
    });

    it('inline processing and a full rebuild give the same read models, for random command histories', async () => {
      const { engine, clock, storage } = await start();
      let run = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(commandOn(['a', 'b', 'c']), fc.nat(700_000)), { minLength: 1, maxLength: 30 }),
          async (steps) => {
            run++;
            for (const [{ type, data }, pause] of steps) {
              clock.advance(pause);
              // Each run gets its own task ids, so runs share one store without meeting.
              const scoped = {
                ...data,
                id: `r${run}-${data.id}`,
                ...('parent' in data && data.parent !== undefined
                  ? { parent: `r${run}-${data.parent}` }
                  : {}),
              };
              await engine.execute(type, scoped).catch((e: { code?: string }) => {
                if (e.code === undefined) throw e;
              });
            }
            await engine.list(); // async read models: wait until they have seen this engine's writes
            const inline = await snapshot(storage.readModels);
            await engine.rebuild();
            expect(await snapshot(storage.readModels)).toEqual(inline);
          },
        ),
        { numRuns: options.runs },
      );
    });

    it('applying the same batch twice (a crash between rows and checkpoint) leaves the same read models', async () => {
      const { engine, storage } = await start();
      await engine.create({ id: 'x', name: 'x', type: 'training' });
      await engine.started({ id: 'x' });
      await engine.reportMetrics({
        id: 'x',
        metrics: [{ metric: 'm', variant: 'v', iteration: 1, value: 2 }],
      });
      await engine.reportProgress({ id: 'x', percentage: 40 });
      await engine.list();
      const before = await snapshot(storage.readModels);
      // Forget the checkpoints, as if the rows had committed but not the checkpoint: the catch-up
      // at the next start applies the same events again.
      await storage.readModels.transaction(async (tx) => {
        for (const p of projections) await tx.setCheckpoint(p.name, { version: p.version, position: 0n });
      });
      const reopened = createEngine({
        store: storage.store,
        readModels: storage,
      });
      await reopened.list();
      expect(await snapshot(storage.readModels)).toEqual(before);
      expect((await reopened.lastMetrics('x')).metrics['m']?.['v']?.count).toBe(1);
    });

    it('revisions gives the revision of each row asked for, deleted ones too, and none for a missing key', async () => {
      const { engine, storage } = await start();
      await engine.create({ id: 'r1', name: 'r1', type: 'training' });
      await engine.started({ id: 'r1' });
      await engine.create({ id: 'r2', name: 'r2', type: 'training' });
      await engine.delete({ id: 'r2' });
      await engine.list();
      const revisions = await storage.readModels.transaction((tx) =>
        tx.revisions(['task_index', 'executions'], ['r1', 'r2', 'nope']),
      );
      const loaded = await storage.readModels.transaction((tx) =>
        tx.loadMany(['task_index', 'executions'], ['r1', 'r2', 'nope']),
      );
      for (const table of ['task_index', 'executions']) {
        const rows = loaded.get(table) ?? new Map();
        expect(revisions.get(table)).toEqual(new Map([...rows].map(([key, row]) => [key, row.revision])));
      }
      expect(revisions.get('task_index')).toEqual(
        new Map([
          ['r1', 1n],
          ['r2', 1n],
        ]),
      );
    });

    it('a changed projection version rebuilds it from position 0 at start', async () => {
      const { engine, storage } = await start();
      await engine.create({ id: 'v', name: 'v', type: 'training' });
      await engine.list();
      const before = await snapshot(storage.readModels);
      await storage.readModels.transaction(async (tx) =>
        tx.setCheckpoint('task_index', { version: 999, position: 0n }),
      );
      // As a rebuild that stopped after its clear leaves it.
      await storage.readModels.clear(['executions'], { version: REBUILDING, position: 0n });
      const reopened = createEngine({
        store: storage.store,
        readModels: storage,
      });
      await reopened.list();
      expect(await snapshot(storage.readModels)).toEqual(before);
      expect(await storage.readModels.checkpoint('task_index')).toMatchObject({ version: 1 });
    });

    it('walking every page, by every sort field both ways, visits each of 1,000 tasks once while tasks are created', async () => {
      const { engine } = await start();
      const ids: string[] = [];
      for (let i = 0; i < 1000; i++) {
        const id = `p${String((i * 7919) % 1000).padStart(4, '0')}`;
        ids.push(id);
        await engine.create({
          id,
          name: `task ${i % 37}`,
          type: i % 3 === 0 ? 'testing' : 'training',
          project: `proj${i % 5}`,
        });
        if (i % 4 === 0) await engine.started({ id });
        if (i % 8 === 0) await engine.reportProgress({ id, percentage: i % 100 });
      }
      let extra = 0;
      for (const field of Object.keys(sortableFields)) {
        for (const direction of ['asc', 'desc']) {
          const seen = new Map<string, number>();
          let token = '';
          let pages = 0;
          do {
            const page = await engine.list({
              sort_by: `${field} ${direction}`,
              page_size: 137,
              ...(token ? { page_token: token } : {}),
            });
            for (const task of page.tasks)
              seen.set(String(task['id']), (seen.get(String(task['id'])) ?? 0) + 1);
            token = page.next_page_token;
            // New tasks arrive while the walk goes on; the tasks that were there are each seen once.
            await engine.create({ id: `new${extra++}`, name: 'late', type: 'training' });
            pages++;
          } while (token !== '' && pages < 50);
          for (const id of ids)
            expect({ field, direction, id, times: seen.get(id) }).toEqual({ field, direction, id, times: 1 });
          expect([...seen.values()].every((n) => n === 1)).toBe(true);
        }
      }
    });

    it('filters as ClearML get_all does, and pages as Kubeflow does', async () => {
      const { engine, clock } = await start();
      await engine.create({
        id: 'f1',
        name: 'train resnet',
        type: 'training',
        project: 'vision',
        tags: ['gpu', 'nightly'],
      });
      clock.advance(60_000);
      await engine.create({
        id: 'f2',
        name: 'train bert',
        type: 'training',
        project: 'nlp',
        tags: ['gpu'],
        parent: 'f1',
      });
      clock.advance(60_000);
      await engine.create({
        id: 'f3',
        name: 'eval',
        type: 'testing',
        project: 'nlp',
        tags: ['cpu'],
        system_tags: ['archived'],
      });
      await engine.enqueue({ id: 'f3' });
      const ids = async (request: object) => (await engine.list(request)).tasks.map((t) => t['id']);
      expect(await ids({ name: '^train' })).toEqual(['f1', 'f2']);
      expect(await ids({ status: ['queued'] })).toEqual(['f3']);
      expect(await ids({ queue: ['default'] })).toEqual(['f3']);
      expect(await ids({ type: ['testing'] })).toEqual(['f3']);
      expect(await ids({ project: ['nlp'] })).toEqual(['f2', 'f3']);
      expect(await ids({ parent: ['f1'] })).toEqual(['f2']);
      expect(await ids({ tags: ['gpu', '-nightly'] })).toEqual(['f2']);
      expect(await ids({ tags: ['cpu', 'nightly'] })).toEqual(['f1', 'f3']);
      expect(await ids({ system_tags: ['-archived'] })).toEqual(['f1', 'f2']);
      expect(await ids({ id: ['f3', 'f1'] })).toEqual(['f1', 'f3']);
      expect(await ids({ status_changed: ['>=2026-01-01T00:01:00Z', '<2026-01-01T00:02:00Z'] })).toEqual([
        'f2',
      ]);
      expect(await ids({ sort_by: 'name desc' })).toEqual(['f1', 'f2', 'f3']);
      expect((await engine.list({ only_fields: ['name', 'execution.parameters'] })).tasks[0]).toEqual({
        id: 'f1',
        name: 'train resnet',
        execution: { parameters: {} },
      });
      const first = await engine.list({ page_size: 2, project: ['nlp', 'vision'] });
      expect(first).toMatchObject({ total_size: 3 });
      expect(first.tasks).toHaveLength(2);
      const second = await engine.list({ page_token: first.next_page_token, page_size: 2 });
      expect(second.tasks.map((t) => t['id'])).toEqual(['f3']);
      expect(second.next_page_token).toBe('');
    });

    it('a deleted task is in no page and no count; count_total: false pages alike without total_size', async () => {
      const { engine } = await start();
      for (const id of ['d1', 'd2', 'd3'])
        await engine.create({ id, name: id, type: 'training', project: 'p', tags: ['gpu'] });
      await engine.delete({ id: 'd2' });
      const listed = async (request: object) => {
        const page = await engine.list(request);
        return { ids: page.tasks.map((t) => t['id']), total: page.total_size };
      };
      // With a condition on a column, without one, and with a negated one (which NULL does not fail).
      expect(await listed({ project: ['p'] })).toEqual({ ids: ['d1', 'd3'], total: 2 });
      expect(await listed({ status: ['created'], sort_by: 'status_changed asc' })).toEqual({
        ids: ['d1', 'd3'],
        total: 2,
      });
      expect(await listed({})).toEqual({ ids: ['d1', 'd3'], total: 2 });
      expect(await listed({ tags: ['-cpu'] })).toEqual({ ids: ['d1', 'd3'], total: 2 });
      expect(await listed({ id: ['d1', 'd2'] })).toEqual({ ids: ['d1'], total: 1 });

      const first = await engine.list({ project: ['p'], page_size: 1, count_total: false });
      expect(first.tasks.map((t) => t['id'])).toEqual(['d1']);
      expect(first).not.toHaveProperty('total_size');
      const second = await engine.list({
        page_token: first.next_page_token,
        page_size: 1,
        count_total: false,
      });
      expect(second.tasks.map((t) => t['id'])).toEqual(['d3']);
      expect(second).not.toHaveProperty('total_size');
      expect(second.next_page_token).toBe('');
    });

    it('refuses a bad page token, sort or page size with invalid_request', async () => {
      const { engine } = await start();
      for (const [request, path] of [
        [{ page_token: 'not-a-token' }, 'page_token'],
        [{ sort_by: 'colour' }, 'sort_by'],
        [{ sort_by: 'name sideways' }, 'sort_by'],
        [{ page_size: -1 }, 'page_size'],
        [{ name: '(' }, 'name'],
        [{ status: ['sleeping'] }, 'status.0'],
        [{ status_changed: ['yesterday'] }, 'status_changed.0'],
      ] as const) {
        await expect(engine.list(request)).rejects.toMatchObject({
          code: 'invalid_request',
          details: { path },
        });
      }
      expect((await engine.list({ page_size: 1000 })).tasks.length).toBeLessThanOrEqual(200);
    });
  });
};
