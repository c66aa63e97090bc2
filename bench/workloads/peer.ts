import { runChild } from '../lib/child';
import { figureOf } from '../lib/figures';
import type { PeerInput, PeerRun } from '../children/peerChild';
import { messageOf, Workload } from '../lib/workload';
import { modeName } from './lifecycle';
import { measures } from '../lib/args';

/**
 * Emmett's SQLite and PostgreSQL event stores appending the same lifecycle events (one event per
 * append, correct expected version), one caller and 8 concurrent callers, each configuration in
 * its own process. A configuration whose callers fail is a figure with an `error`, not a crash.
 */
export const peer: Workload = {
  name: 'peer',
  description: 'Emmett SQLite and PostgreSQL event stores: the same 20,000 lifecycle events, 1 and 8 appenders',
  run: async (ctx) => {
    const configurations = [
      ...(['sqlite', 'postgres'] as const).flatMap((store) => [1, 8].map((callers) => ({ store, callers, retry: false }))),
      // Emmett SQLite as a caller who retries its transient lock errors would see it.
      ...[1, 8].map((callers) => ({ store: 'sqlite' as const, callers, retry: true })),
    ];
    for (const { store, callers, retry } of configurations.filter((c) => measures(ctx, c.store))) {
      const name = `peer.emmett.${modeName(callers)}${retry ? '.retrying' : ''}`;
      const input: PeerInput = { store, callers, tasks: ctx.sizes.peerTasks, runs: ctx.runs, warmupTasks: 20, retry };
      try {
        const { result } = await runChild<PeerRun[]>('peerChild.ts', input);
        const ok = result.flatMap((r) => (r.ok ? [r] : []));
        const failed = result.flatMap((r) => (r.ok ? [] : [r]));
        const first = failed[0];
        const failures =
          first === undefined
            ? undefined
            : `${failed.length} of ${result.length} attempts failed (${first.failedCallers} of ${first.callers} appenders errored: ${first.error})`;
        if (ok.length === 0) {
          ctx.emit({ name, store, unit: 'events/s', runs: result.length, error: failures ?? 'no run' });
          continue;
        }
        const retries = retry ? `retried ${ok.map((r) => r.retries).join(' / ')} transient errors in the ${ok.length} runs` : undefined;
        const notes = [failures, retries].filter((n) => n !== undefined);
        const note = notes.length === 0 ? {} : { note: notes.join('; ') };
        ctx.emit(figureOf({ name, store, unit: 'tasks/s', ...note }, ok.map((r) => r.tasks / r.seconds)));
        ctx.emit(figureOf({ name, store, unit: 'events/s', ...note }, ok.map((r) => r.events / r.seconds)));
      } catch (e) {
        ctx.emit({ name, store, unit: 'events/s', error: messageOf(e) });
      }
    }
  },
};
