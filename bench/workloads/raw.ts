import { messageOf, Workload } from '../lib/workload';
import { rawSQLite } from './rawSQLite';
import { rawPostgres } from './rawPostgres';
import { measures } from '../lib/args';

/** What the stores themselves can do with the same rows at the same durability. */
export const raw: Workload = {
  name: 'raw',
  description: 'better-sqlite3 and pg straight: 20,000 events over 2,000 streams, per-event and batched transactions, full scan',
  run: async (ctx) => {
    for (const [store, run] of [['sqlite', rawSQLite], ['postgres', rawPostgres]] as const) {
      if (!measures(ctx, store)) continue;
      try {
        await run(ctx);
      } catch (e) {
        ctx.emit({ name: 'raw', store, unit: 'events/s', error: messageOf(e) });
      }
    }
  },
};
