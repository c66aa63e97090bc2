import { openEngine } from '../../src';
import { oneShotChild } from '../lib/childMain';
import {
  COMMANDS_PER_TASK,
  EVENTS_PER_TASK,
  lifecycleCommands,
  taskIds,
  withCallers,
} from '../lib/lifecycle';
import { freshEngineStore, EngineStoreKind } from '../lib/benchStores';
import { progress } from '../lib/progress';

export type LifecycleInput = {
  readonly store: EngineStoreKind;
  /** Where the read models move: inside each append (the default) or after it, in batches. */
  readonly projections: 'inline' | 'async';
  readonly callers: number;
  readonly tasks: number;
  readonly runs: number;
  readonly warmupTasks: number;
};
export type LifecycleRun = { readonly seconds: number; readonly tasks: number; readonly events: number };

const withProjectionsAsync = (url: string) => `${url}${url.includes('?') ? '&' : '?'}projections=async`;

/**
 * One configuration of the lifecycle workload in its own process (so a --cpu-prof profile holds
 * it alone): a warm-up on a throwaway store, then `runs` timed runs, each on a fresh store.
 * Only the commands are timed, not opening or closing the engine; with async projections, until
 * the read models have folded the last command too (a query reads the engine's own writes).
 */
const runOnce = async (input: LifecycleInput, tasks: number, label: string): Promise<LifecycleRun> => {
  const store = freshEngineStore(input.store, label);
  const url = input.projections === 'async' ? withProjectionsAsync(store.url) : store.url;
  const engine = await openEngine({ store: url, actor: 'bench' });
  try {
    const ids = taskIds(tasks, label);
    const started = performance.now();
    await withCallers(ids, input.callers, async (id, index) => {
      let last: bigint | undefined;
      for (const command of lifecycleCommands(id, index))
        last = (await engine.execute(command.type, command.data)).revision;
      // A lifecycle that did not land all its events would make the figure a lie.
      if (last !== BigInt(EVENTS_PER_TASK - 1)) throw new Error(`task ${id} ended at revision ${last}`);
    });
    const lastId = ids[ids.length - 1];
    if (lastId !== undefined && (await engine.get(lastId)).status !== 'published')
      throw new Error(`the read models did not fold task ${lastId}`);
    const seconds = (performance.now() - started) / 1000;
    return { seconds, tasks, events: tasks * EVENTS_PER_TASK };
  } finally {
    await engine.close();
    await store.cleanup();
  }
};

oneShotChild(async (input: LifecycleInput): Promise<LifecycleRun[]> => {
  const name = `lifecycle ${input.store}${input.projections === 'async' ? ' (async projections)' : ''} ×${input.callers}`;
  if (input.warmupTasks > 0) await runOnce(input, input.warmupTasks, `warm${input.callers}`);
  const runs: LifecycleRun[] = [];
  for (let run = 0; run < input.runs; run++) {
    const result = await runOnce(input, input.tasks, `lc${input.callers}r${run}`);
    progress(
      `${name}: run ${run + 1}/${input.runs} ${Math.round(result.events / result.seconds)} events/s (${COMMANDS_PER_TASK} commands per task)`,
    );
    runs.push(result);
  }
  return runs;
});
