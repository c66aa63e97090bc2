import { openEngine } from '../../src';
import { startChild, LiveChild } from '../lib/child';
import { figureOf } from '../lib/figures';
import { withCallers } from '../lib/lifecycle';
import { loadBullMQ } from '../lib/peers';
import { REDIS } from '../lib/services';
import { redisDurability } from '../lib/environment';
import { freshEngineStore } from '../lib/benchStores';
import { engineWorkerOf } from '../lib/engineWorker';
import { progress } from '../lib/progress';
import { messageOf, repeat, BenchContext, Workload } from '../lib/workload';
import type { TaskledgerWorkerInput } from '../children/taskledgerWorkerChild';
import type { BullMQWorkerInput } from '../children/bullmqWorkerChild';
import { measures } from '../lib/args';

const PROCESSES = 4;
/** Tasks each worker process runs at once, the same on both sides. */
const CONCURRENCY = 8;
const TIMEOUT_MS = 10 * 60_000;

const DURABILITY = {
  sqlite:
    'SQLite WAL synchronous=FULL: every claim (started, compare-and-set on the revision) and completion is an fsynced, hash-chained event, acknowledged only once on disk (a process commits its concurrent claims and completions together: group commit)',
  postgres:
    'PostgreSQL fsync=on synchronous_commit=on: every claim (started, compare-and-set on the revision) and completion is a committed, hash-chained event, acknowledged only once committed (a process commits its concurrent claims and completions together: group commit)',
} as const;

/** Starts the worker processes and waits until each says it is ready (or that it cannot be). */
const startWorkers = async (script: string, inputOf: (n: number) => unknown) => {
  const children = Array.from({ length: PROCESSES }, (_, n) => startChild(script, inputOf(n)));
  const answers = await Promise.all(
    children.map(async (child) => {
      for (;;) {
        const message = (await child.next()) as { type?: string; message?: string };
        if (message.type === 'ready' || message.type === 'unavailable') return message.type;
        if (message.type === 'error') throw new Error(message.message);
      }
    }),
  );
  return { children, available: answers.every((a) => a === 'ready') };
};

const stopWorkers = async (children: readonly LiveChild[]) => {
  for (const child of children) child.send({ type: 'stop' });
  await Promise.all(children.map((child) => child.exited));
};

/** Resolves when `done()` holds, looking every few ms; rejects after the timeout. */
const until = async (done: () => Promise<boolean> | boolean) => {
  const deadline = Date.now() + TIMEOUT_MS;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the workers');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

/** Enqueues the tasks (untimed), starts 4 worker processes, times from "go" to the last completion. */
const taskledgerRun = async (kind: 'sqlite' | 'postgres', tasks: number, run: number) => {
  const store = freshEngineStore(kind, `wk${run}`);
  const engine = await openEngine({ store: store.url, actor: 'bench' });
  const queue = 'bench';
  try {
    if (engineWorkerOf(engine) === undefined) return undefined;
    const ids = Array.from({ length: tasks }, (_, i) => `job-${run}-${i}`);
    await withCallers(ids, 8, async (id) => {
      await engine.create({ id, name: id, type: 'training', project: 'bench' });
      await engine.enqueue({ id, queue });
    });
    const { children, available } = await startWorkers(
      'taskledgerWorkerChild.ts',
      (n): TaskledgerWorkerInput => ({
        url: store.url,
        id: `bench-worker-${n}`,
        queue,
        concurrency: CONCURRENCY,
      }),
    );
    if (!available) {
      await stopWorkers(children);
      return undefined;
    }
    const completed = new Set<string>();
    const stop = new AbortController();
    let caughtUp: () => void = () => undefined;
    const live = new Promise<void>((resolve) => (caughtUp = resolve));
    const following = (async () => {
      for await (const item of engine.subscribe({
        from: 'end',
        filter: { to: ['completed'] },
        signal: stop.signal,
      })) {
        if (item.kind === 'caughtUp') caughtUp();
        else if (item.kind === 'change') completed.add(item.taskId);
      }
    })();
    await live;
    const started = performance.now();
    for (const child of children) child.send({ type: 'go' });
    await until(() => completed.size >= tasks);
    const seconds = (performance.now() - started) / 1000;
    stop.abort();
    await following.catch(() => undefined);
    await stopWorkers(children);
    return tasks / seconds;
  } finally {
    await engine.close();
    await store.cleanup();
  }
};

const bullmqRun = async (tasks: number, run: number) => {
  const { Queue } = loadBullMQ();
  const name = `taskledger-bench-${process.pid}-${run}`;
  const queue = new Queue(name, { connection: REDIS });
  try {
    await queue.waitUntilReady();
    for (let i = 0; i < tasks; i += 1_000)
      await queue.addBulk(
        Array.from({ length: Math.min(1_000, tasks - i) }, (_, k) => ({ name: 'noop', data: { i: i + k } })),
      );
    const { children } = await startWorkers('bullmqWorkerChild.ts', (): BullMQWorkerInput => ({
      queue: name,
      concurrency: CONCURRENCY,
    }));
    const started = performance.now();
    for (const child of children) child.send({ type: 'go' });
    await until(async () => ((await queue.getJobCounts('completed')).completed ?? 0) >= tasks);
    const seconds = (performance.now() - started) / 1000;
    await stopWorkers(children);
    return tasks / seconds;
  } finally {
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  }
};

const taskledgerSide = async (ctx: BenchContext, kind: 'sqlite' | 'postgres') => {
  const name = 'workers.taskledger';
  try {
    const rates: number[] = [];
    for (let run = 0; run < ctx.runs; run++) {
      const rate = await taskledgerRun(kind, ctx.sizes.workerTasks, run);
      if (rate === undefined) {
        ctx.emit({ name, store: kind, unit: 'tasks/s', skipped: 'engine.worker not available' });
        return;
      }
      progress(`${name} ${kind}: run ${run + 1} ${Math.round(rate)} tasks/s`);
      rates.push(rate);
    }
    const note = `${ctx.sizes.workerTasks} no-op tasks, ${PROCESSES} worker processes × concurrency ${CONCURRENCY}`;
    ctx.emit(figureOf({ name, store: kind, unit: 'tasks/s', durability: DURABILITY[kind], note }, rates));
  } catch (e) {
    ctx.emit({ name, store: kind, unit: 'tasks/s', error: messageOf(e) });
  }
};

const bullmqSide = async (ctx: BenchContext) => {
  const name = 'workers.bullmq';
  try {
    const values = await repeat(ctx.runs, async (run) => {
      const rate = await bullmqRun(ctx.sizes.workerTasks, run);
      progress(`${name}: run ${run + 1} ${Math.round(rate)} tasks/s`);
      return { rate };
    });
    const durability = `Redis ${await redisDurability()}: nothing on disk, a Redis restart loses every job and its state; no history kept`;
    const note = `${ctx.sizes.workerTasks} no-op jobs, ${PROCESSES} worker processes × concurrency ${CONCURRENCY}`;
    ctx.emit(figureOf({ name, store: 'redis', unit: 'tasks/s', durability, note }, values.rate));
  } catch (e) {
    ctx.emit({ name, store: 'redis', unit: 'tasks/s', error: messageOf(e) });
  }
};

/**
 * 10,000 no-op tasks completed by 4 worker processes: taskledger's `engine.worker` on SQLite and
 * PostgreSQL against BullMQ on the local Redis, and what each side keeps if the machine stops.
 */
export const workers: Workload = {
  name: 'workers',
  description:
    '10,000 no-op tasks by 4 worker processes: engine.worker (SQLite, PostgreSQL) vs BullMQ on Redis',
  run: async (ctx) => {
    for (const kind of ['sqlite', 'postgres'] as const) if (measures(ctx, kind)) await taskledgerSide(ctx, kind);
    if (measures(ctx, 'redis')) await bullmqSide(ctx);
  },
};
