import { testEngine } from '../../support/engine';
import { appendIfOwned, ownerOf } from '../../../src/engine/workers/ownership';
import type { WorkerDeps, LoadedTaskState } from '../../../src/engine/workers/workerDeps';
import type { Engine } from '../../../src/engine/engine';
import { queueTasks, countOf } from './workerTestSupport';

const readNow = async (engine: Engine, id: string): Promise<LoadedTaskState> => ({
  state: { kind: 'live', task: await engine.get(id) },
  revision: (await engine.history(id)).at(-1)?.revision ?? -1n,
});

const taskOf = (loaded: LoadedTaskState) => {
  if (loaded.state.kind !== 'live') throw new Error('the task is live in these tests');
  return loaded.state.task;
};

/** Deps whose last-seen fold is `seen`, counting the real reads they make. */
const depsSeeing = (engine: Engine, clock: WorkerDeps['clock'], seen: LoadedTaskState) => {
  let reads = 0;
  const deps: WorkerDeps = {
    engine,
    clock,
    loadTask: async (id) => {
      reads++;
      return readNow(engine, id);
    },
    lastSeenTask: () => seen,
  };
  return { deps, reads: () => reads };
};

const ping = (engine: Engine, id: string) => (expectedRevision: bigint) =>
  engine.ping({ id, worker: 'w1' }, { actor: 'w1', expectedRevision });

describe('appending only while the task is ours', () => {
  it('appends on the last-seen fold without reading the task when that fold is current', async () => {
    const { engine, clock } = testEngine();
    await queueTasks(engine, ['t1']);
    await engine.started({ id: 't1', worker: 'w1' }, { actor: 'w1' });
    const seen = await readNow(engine, 't1');
    const { deps, reads } = depsSeeing(engine, clock, seen);
    const outcome = await appendIfOwned(deps, ownerOf(taskOf(seen), 'w1'), ping(engine, 't1'));
    expect(outcome.kind).toBe('appended');
    expect(reads()).toBe(0);
    expect(await countOf(engine, 't1', 'TaskPinged')).toBe(1);
    await engine.close();
  });

  it('reads the stream when the last-seen fold is stale, and finds the task lost: nothing appended', async () => {
    const { engine, clock } = testEngine();
    await queueTasks(engine, ['t1']);
    await engine.started({ id: 't1', worker: 'w1' }, { actor: 'w1' });
    const seen = await readNow(engine, 't1');
    // A watchdog stops the task after the fold was taken: the fold still says it is ours.
    await engine.stopped({ id: 't1', status_reason: 'Forced stop (non-responsive)' }, { actor: 'watchdog' });
    const { deps, reads } = depsSeeing(engine, clock, seen);
    const outcome = await appendIfOwned(deps, ownerOf(taskOf(seen), 'w1'), ping(engine, 't1'));
    expect(outcome.kind).toBe('lost');
    expect(reads()).toBe(1);
    expect(await countOf(engine, 't1', 'TaskPinged')).toBe(0);
    await engine.close();
  });
});
