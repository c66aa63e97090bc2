import { runChild } from '../lib/child';
import { figureOf } from '../lib/figures';
import type { LifecycleInput, LifecycleRun } from '../children/lifecycleChild';
import { messageOf, Workload } from '../lib/workload';
import type { EngineStoreKind } from '../lib/benchStores';
import { measures } from '../lib/args';

const STORES: readonly EngineStoreKind[] = ['sqlite', 'postgres'];
const CALLERS = [1, 8] as const;
/** Inline (the default, whose figures the targets use), then `?projections=async` for context. */
const PROJECTIONS = ['inline', 'async'] as const;

export const modeName = (callers: number) => (callers === 1 ? 'sequential' : `concurrent${callers}`);

/**
 * 2,000 tasks × (create → enqueue → started → 5 × report_metrics → completed(publish)) through
 * the engine, one caller and 8 concurrent callers, on SQLite (fresh temp file, WAL, synchronous
 * FULL: the defaults) and PostgreSQL (fresh schema); with the read models inline (the default)
 * and with `?projections=async`, whose runs end only once the read models have caught up. Each
 * configuration runs in its own process.
 */
export const lifecycle: Workload = {
  name: 'lifecycle',
  description:
    'taskledger commands: 2,000 task lifecycles (10 events each), 1 and 8 callers, SQLite and PostgreSQL',
  run: async (ctx) => {
    for (const projections of PROJECTIONS)
      for (const store of STORES.filter((s) => measures(ctx, s)))
        for (const callers of CALLERS) {
          const name = `lifecycle.${modeName(callers)}${projections === 'async' ? '.async-projections' : ''}`;
          const input: LifecycleInput = {
            store,
            projections,
            callers,
            tasks: ctx.sizes.lifecycleTasks,
            runs: ctx.runs,
            warmupTasks: Math.min(100, ctx.sizes.lifecycleTasks),
          };
          try {
            const { result } = await runChild<LifecycleRun[]>('lifecycleChild.ts', input);
            ctx.emit(
              figureOf(
                { name, store, unit: 'tasks/s' },
                result.map((r) => r.tasks / r.seconds),
              ),
            );
            ctx.emit(
              figureOf(
                { name, store, unit: 'events/s' },
                result.map((r) => r.events / r.seconds),
              ),
            );
          } catch (e) {
            ctx.emit({ name, store, unit: 'events/s', error: messageOf(e) });
          }
        }
  },
};
