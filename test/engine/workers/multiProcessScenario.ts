import { openEngine } from '../../../src/openEngine';
import { manualClock } from '../../../src/engine/clock';
import { FORCED_STOP } from '../../../src/engine/watchdog/watchdog';
import { spawnWorkerProcess, killWorkerProcesses } from './workerProcesses';
import { waitFor } from './workerTestSupport';

const TASKS = 1_000;
const QUEUE = 'batch';
const THRESHOLD_MS = 60_000;
// The victim hangs on its fifth task: early enough that it surely gets that far.
const HANG_ON = 5;
const DEADLINE_MS = 120_000;

/**
 * Issue 6 acceptance on one store: 4 worker processes, 1,000 queued tasks; one worker is
 * SIGKILLed mid-task; the watchdog (its clock moved past the threshold) stops that task and
 * queues it again, and another worker completes it. Then, from the histories: every task
 * completed, each claimed exactly once per attempt (one TaskStarted; two for the killed one).
 */
export const fourWorkersOneKilled = async (storeUrl: string) => {
  const clock = manualClock(new Date());
  const engine = await openEngine({ store: storeUrl, actor: 'test', clock });
  const workers: ReturnType<typeof spawnWorkerProcess>[] = [];
  try {
    const ids = Array.from({ length: TASKS }, (_, i) => `task-${String(i).padStart(4, '0')}`);
    for (let i = 0; i < ids.length; i += 50) {
      await Promise.all(
        ids.slice(i, i + 50).map(async (id) => {
          await engine.create({ id, name: id, type: 'data_processing' });
          await engine.enqueue({ id, queue: QUEUE });
        }),
      );
    }
    workers.push(...['w0', 'w1', 'w2'].map((id) => spawnWorkerProcess(storeUrl, id, QUEUE)));
    const victim = spawnWorkerProcess(storeUrl, 'victim', QUEUE, HANG_ON);
    workers.push(victim);

    await waitFor('the victim to hang mid-task', () => victim.hanging() !== undefined, DEADLINE_MS);
    const hung = victim.hanging() ?? '';
    victim.child.kill('SIGKILL');
    expect(await victim.exited).toEqual({ code: null, signal: 'SIGKILL' });

    const completed = async () => (await engine.list({ status: ['completed'], page_size: 1 })).total_size;
    await waitFor('every other task completed', async () => (await completed()) === TASKS - 1, DEADLINE_MS);
    expect((await engine.get(hung)).status).toBe('in_progress');

    // Time passes (for the watchdog only): the killed worker's last ping is past the threshold.
    clock.set(new Date(Date.now() + THRESHOLD_MS + 1_000));
    const report = await engine.watchdog({ thresholdMs: THRESHOLD_MS, requeue: true }).runOnce();
    expect(report).toMatchObject({ stopped: [hung], requeued: [hung], raced: [] });
    await waitFor(
      'the re-queued task completed by another worker',
      async () => (await completed()) === TASKS,
      DEADLINE_MS,
    );

    const live = workers.filter((w) => w !== victim);
    for (const worker of live) worker.child.kill('SIGTERM');
    const exits = await Promise.all(live.map((w) => w.exited));
    // Compared whole so a failing worker's stderr shows in the diff.
    expect(live.map((w, i) => ({ ...exits[i], stderr: w.stderr() }))).toEqual(
      live.map(() => ({ code: 0, signal: null, stderr: '' })),
    );

    let completedByVictim = 0;
    for (const id of ids) {
      const history = await engine.history(id);
      const starts = history.filter((e) => e.type === 'TaskStarted');
      const completions = history.filter((e) => e.type === 'TaskCompleted');
      expect({ id, starts: starts.length, completions: completions.length }).toEqual({
        id,
        starts: id === hung ? 2 : 1,
        completions: 1,
      });
      if (completions[0]?.metadata.actor === 'victim') completedByVictim++;
    }
    const byLiveWorkers = live.reduce((n, w) => n + (w.stats()?.completed ?? 0), 0);
    expect(byLiveWorkers + completedByVictim).toBe(TASKS);

    const attempts = (await engine.history(hung)).filter((e) =>
      ['TaskStarted', 'TaskStopped', 'TaskEnqueued', 'TaskCompleted'].includes(e.type),
    );
    expect(attempts.map((e) => [e.type, e.metadata.actor])).toEqual([
      ['TaskEnqueued', 'test'],
      ['TaskStarted', 'victim'],
      ['TaskStopped', 'watchdog'],
      ['TaskEnqueued', 'watchdog'],
      ['TaskStarted', attempts[4]?.metadata.actor],
      ['TaskCompleted', attempts[4]?.metadata.actor],
    ]);
    expect(attempts[2]?.data).toMatchObject({ status_reason: FORCED_STOP, status_message: FORCED_STOP });
    expect(['w0', 'w1', 'w2']).toContain(attempts[4]?.metadata.actor);
    expect((await engine.executions(hung)).map((e) => e.phase)).toEqual(['SUCCEEDED', 'ABORTED']);
  } finally {
    killWorkerProcesses();
    await engine.close();
  }
};
