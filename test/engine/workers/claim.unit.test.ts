import { testEngine } from '../../support/engine';
import { claimTask, claimNextTasks } from '../../../src/engine/workers/claim';
import { getCandidateWindow } from '../../../src/engine/workers/candidates';
import type { WorkerDeps, LoadedTaskState } from '../../../src/engine/workers/workerDeps';
import type { Engine } from '../../../src/engine/engine';
import type { Clock } from '../../../src/engine/clock';
import { queueTasks, countOf } from './workerTestSupport';

/** Worker deps whose reads of the task are the ones given: a worker that read before others acted. */
const depsReading = (engine: Engine, clock: Clock, read: LoadedTaskState): WorkerDeps => ({
  engine,
  clock,
  loadTask: async () => read,
});

const readNow = async (engine: Engine, id: string): Promise<LoadedTaskState> => ({
  state: { kind: 'live', task: await engine.get(id) },
  revision: (await engine.history(id)).at(-1)?.revision ?? -1n,
});

describe('claiming', () => {
  it('is a started at the revision the worker saw queued: of two workers that saw it so, one wins', async () => {
    const { engine, clock } = testEngine();
    await queueTasks(engine, ['t1'], 'gpu');
    const seenQueued = await readNow(engine, 't1');
    const first = await claimTask(depsReading(engine, clock, seenQueued), 't1', {
      workerId: 'w1',
      queues: ['gpu'],
    });
    expect(first).toMatchObject({ revision: 2n });
    // The second worker read the same queued revision: its append meets `conflict`, and it moves on.
    const second = await claimTask(depsReading(engine, clock, seenQueued), 't1', {
      workerId: 'w2',
      queues: ['gpu'],
    });
    expect(second).toBeUndefined();
    expect(await countOf(engine, 't1', 'TaskStarted')).toBe(1);
    expect(await engine.get('t1')).toMatchObject({ status: 'in_progress', worker: 'w1' });
    await engine.close();
  });

  it('skips a task the stream shows is no longer queued in the worker’s queues, without appending', async () => {
    const { engine, clock } = testEngine();
    await queueTasks(engine, ['t1'], 'cpu');
    const read = await readNow(engine, 't1');
    expect(
      await claimTask(depsReading(engine, clock, read), 't1', { workerId: 'w1', queues: ['gpu'] }),
    ).toBeUndefined();
    await engine.started({ id: 't1', worker: 'w9' });
    const deps: WorkerDeps = { engine, clock, loadTask: async (id) => readNow(engine, id) };
    expect(await claimTask(deps, 't1', { workerId: 'w1', queues: ['cpu'] })).toBeUndefined();
    expect(await countOf(engine, 't1', 'TaskStarted')).toBe(1);
    await engine.close();
  });

  it('takes the oldest queued tasks first, up to the limit, from one list', async () => {
    const { engine, clock } = testEngine();
    for (const id of ['z', 'y', 'x', 'w']) {
      await queueTasks(engine, [id]);
      clock.advance(1);
    }
    const deps: WorkerDeps = { engine, clock, loadTask: async (id) => readNow(engine, id) };
    const window = getCandidateWindow(engine, { queues: ['default'], size: 10, workerId: 'w1' });
    const round = await claimNextTasks(deps, window, { workerId: 'w1', queues: ['default'] }, 2);
    expect(round.claims.map((c) => c.task.id)).toEqual(['z', 'y']);
    expect(round).toMatchObject({ tried: 2, listed: true });
    // The rest stay candidates: the next round claims them without listing again.
    const next = await claimNextTasks(deps, window, { workerId: 'w1', queues: ['default'] }, 5);
    expect(next.claims.map((c) => c.task.id)).toEqual(['x', 'w']);
    expect(next).toMatchObject({ tried: 2, listed: false });
    await engine.close();
  });
});
