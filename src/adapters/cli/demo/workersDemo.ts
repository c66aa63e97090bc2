/**
 * `npm run demo:workers`: several `taskledger worker --exec` processes share the embedded SQLite
 * file (or TASKLEDGER_STORE / --store), a live status line while they work through this run's
 * tasks, then a summary. On the way the demo asks a long task to stop (its worker kills the
 * command and records it stopped), and SIGKILLs a worker in the middle of a task: the watchdog,
 * here with a 3 s threshold, stops that task and queues it again for another worker.
 *
 * Options: --workers <n> (4), --tasks <n> (120), --store <url>.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openEngine } from '../../../openEngine';
import type { Engine } from '../../../engine/engine';
import { DEFAULT_STORE } from '../../store/openEventStore';
import { main as cliMain } from '../main';
import { historyTable } from '../historyTable';
import { queueDemoTasks, STEP_SCRIPT, DemoRun } from './workersDemoTasks';
import { countByStatus, formatCounts, isSettled, StatusCounts } from './statusLine';
import { spawnCliWorker, DemoWorker } from './workerProcesses';

/** Given first, this makes the file run the CLI: how the demo starts its worker processes. */
const AS_CLI = '--as-cli';
const WATCHDOG = { thresholdMs: 3_000, intervalMs: 1_000, requeue: true };
const GIVE_UP_MS = 180_000;

const positive = (text: string | undefined, fallback: number, name: string) => {
  const n = text === undefined ? fallback : Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
  return n;
};

const seconds = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e9;

/** Prints the status line: rewritten in place on a terminal, a line every few seconds otherwise. */
const getStatusPrinter = () => {
  const terminal = process.stdout.isTTY === true;
  let lastPrinted = 0;
  return {
    show: (text: string) => {
      if (terminal) process.stdout.write(`\r\x1b[K${text}`);
      else if (Date.now() - lastPrinted >= 2_000) {
        lastPrinted = Date.now();
        process.stdout.write(`${text}\n`);
      }
    },
    done: () => {
      if (terminal) process.stdout.write('\n');
    },
  };
};

/** Completed tasks of the run by the worker that completed them. */
const completedByWorker = async (engine: Engine, project: string) => {
  const counts: Record<string, number> = {};
  let page_token = '';
  do {
    const page = await engine.list({
      project: [project],
      status: ['completed'],
      page_size: 200,
      only_fields: ['worker'],
      ...(page_token === '' ? {} : { page_token }),
    });
    for (const task of page.tasks) {
      const worker = String(task['worker'] ?? '?');
      counts[worker] = (counts[worker] ?? 0) + 1;
    }
    page_token = page.next_page_token;
  } while (page_token !== '');
  return counts;
};

type Happenings = {
  stopAsked: boolean;
  killed?: { worker: string; task: string };
  watchdogStopped: string[];
};

/** The two things the demo does to its workers, each once, when the moment comes. */
const intervene = async (
  engine: Engine,
  run: DemoRun,
  workers: readonly DemoWorker[],
  counts: StatusCounts,
  seen: Happenings,
) => {
  if (!seen.stopAsked && (await engine.get(run.longTask)).status === 'in_progress') {
    await engine.stop({ id: run.longTask }, { reason: 'demo: a stop request' });
    seen.stopAsked = true;
    return;
  }
  const total = run.ids.length;
  if (!seen.stopAsked || seen.killed !== undefined || counts.completed < total / 4) return;
  const running = await engine.list({
    project: [run.project],
    status: ['in_progress'],
    only_fields: ['worker'],
    page_size: 50,
  });
  const target = running.tasks.find(
    (task) => task['id'] !== run.longTask && workers.some((w) => w.id === task['worker']),
  );
  const victim = workers.find((w) => w.id === target?.['worker']);
  if (target === undefined || victim === undefined) return;
  victim.kill('SIGKILL');
  seen.killed = { worker: victim.id, task: String(target['id']) };
};

const runDemo = async (argv: readonly string[]) => {
  const { values } = parseArgs({
    args: [...argv],
    options: { workers: { type: 'string' }, tasks: { type: 'string' }, store: { type: 'string' } },
  });
  const workerCount = positive(values.workers, 4, 'workers');
  const taskCount = positive(values.tasks, 120, 'tasks');
  const store = values.store ?? process.env['TASKLEDGER_STORE'] ?? DEFAULT_STORE;
  const engine = await openEngine({ store, actor: 'demo' });
  const scripts = mkdtempSync(join(tmpdir(), 'taskledger-workers-demo-'));
  const script = join(scripts, 'step.sh');
  writeFileSync(script, STEP_SCRIPT);
  const started = process.hrtime.bigint();
  const seen: Happenings = { stopAsked: false, watchdogStopped: [] };
  const workers: DemoWorker[] = [];
  const watchdog = engine.watchdog(WATCHDOG);
  const stopAll = () => workers.forEach((w) => w.kill('SIGTERM'));
  // Ctrl-C: the workers (same process group) get it too and close; the demo sums up what happened.
  const interrupted = new AbortController();
  const onInterrupt = () => interrupted.abort();
  process.once('SIGINT', onInterrupt);
  try {
    const run = await queueDemoTasks(engine, taskCount, 42);
    const workerArgs = [
      '--store',
      store,
      '--queue',
      run.queue,
      '--concurrency',
      '2',
      '--heartbeat',
      '0.5',
      '--exec',
      `sh '${script}'`,
    ];
    for (let i = 0; i < workerCount; i++)
      workers.push(spawnCliWorker([__filename, AS_CLI], workerArgs, `${run.runId}-w${i}`));
    watchdog.start((report) => seen.watchdogStopped.push(...report.stopped));

    const status = getStatusPrinter();
    let counts = await countByStatus(engine, run.project);
    while (!isSettled(counts) && !interrupted.signal.aborted && seconds(started) * 1000 < GIVE_UP_MS) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      counts = await countByStatus(engine, run.project);
      await intervene(engine, run, workers, counts, seen);
      const alive = workers.length - (seen.killed === undefined ? 0 : 1);
      status.show(
        `${seconds(started).toFixed(1).padStart(5)} s  workers ${alive}/${workers.length}  ${formatCounts(counts)}`,
      );
    }
    status.done();
    stopAll();
    await Promise.all(workers.map((w) => w.exited));
    await watchdog.stop();
    await printSummary(engine, run, store, workers, counts, seen, seconds(started));
  } finally {
    process.off('SIGINT', onInterrupt);
    stopAll();
    rmSync(scripts, { recursive: true, force: true });
    await engine.close();
  }
};

const printSummary = async (
  engine: Engine,
  run: DemoRun,
  store: string,
  workers: readonly DemoWorker[],
  counts: StatusCounts,
  seen: Happenings,
  elapsed: number,
) => {
  const byWorker = await completedByWorker(engine, run.project);
  const lines = [
    '',
    `taskledger workers demo: ${run.ids.length} tasks, ${workers.length} worker processes sharing ${store}, ${elapsed.toFixed(1)} s`,
    `by status: ${formatCounts(counts)}`,
    `completed per worker: ${workers.map((w) => `${w.id.slice(run.runId.length + 1)} ${byWorker[w.id] ?? 0}${seen.killed?.worker === w.id ? ' (killed)' : ''}`).join(', ')}`,
    `stop request: ${run.longTask} is ${(await engine.get(run.longTask)).status} (its worker killed the command and reported it)`,
  ];
  for (const worker of workers)
    if (worker.stderr().trim() !== '') lines.push(`${worker.id} said: ${worker.stderr().trim()}`);
  if (seen.killed === undefined) {
    lines.push('no worker was killed: the run ended before a quarter of it was done');
  } else {
    const { worker, task } = seen.killed;
    lines.push(
      `SIGKILL: ${worker} while it ran ${task}; the watchdog stopped and re-queued what it held: ${seen.watchdogStopped.join(', ') || 'nothing yet'}`,
      '',
      `history of ${task}:`,
      historyTable(
        (await engine.history(task)).filter(
          (e) => e.type !== 'MetricsReported' && e.type !== 'ProgressReported' && e.type !== 'TaskPinged',
        ),
      ),
    );
  }
  lines.push('', `Try: npx taskledger list --project ${run.project} --store ${store}`, '');
  process.stdout.write(lines.join('\n'));
};

if (process.argv[2] === AS_CLI) {
  cliMain([process.argv[0] ?? 'node', process.argv[1] ?? 'taskledger', ...process.argv.slice(3)]);
} else {
  runDemo(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
