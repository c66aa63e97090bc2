import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { openEngine } from '../../../src/openEngine';
import type { Engine } from '../../../src/engine/engine';
import { runCli } from '../../support/captureIo';
import { getTempFolders } from '../../support/tempFolders';
import { waitFor } from '../../engine/workers/workerTestSupport';

const folders = getTempFolders('cli-worker');
const children = new Set<ReturnType<typeof spawn>>();
afterEach(() => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
});
afterAll(folders.removeAll);

const cliProcess = join(__dirname, '../../support/cliProcess.ts');

// One script, three behaviours chosen by the task's name.
const SCRIPT = `
case "$TASK_NAME" in
  report)
    echo "metric loss train 0.5 1"
    echo "metric loss train 0.25"
    echo "progress 50 halfway"
    echo "hello from $TASK_ID lr=$TASK_PARAM_lr batch=$TASK_PARAM_batch_size"
    echo "metric broken"
    ;;
  fail)
    echo "bad input" >&2
    exit 3
    ;;
  long)
    echo "started"
    sleep 30
    ;;
esac
`;

/** The CLI `worker` as a process of its own, from source, and the JSON lines it prints. */
const startWorker = (store: string, ...args: string[]) => {
  // Node with tsx's loader (resolved from this repository, so run from here), not the tsx
  // binary: a kill must reach the worker itself.
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', cliProcess, 'worker', '--store', store, ...args],
    {
      cwd: join(__dirname, '../../..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.add(child);
  const lines: Record<string, unknown>[] = [];
  let stderr = '';
  createInterface({ input: child.stdout }).on('line', (line) =>
    lines.push(JSON.parse(line) as Record<string, unknown>),
  );
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, lines, exited, stderr: () => stderr };
};

const statusOf = async (engine: Engine, id: string) => (await engine.get(id)).status;

describe('CLI: worker --exec', () => {
  it('runs the command per task: stdout becomes reports, the exit code the ending, a stop request kills it', async () => {
    const cwd = folders.make();
    writeFileSync(join(cwd, 'task.sh'), SCRIPT);
    const store = `sqlite:${join(cwd, 'events.db')}`;
    const engine = await openEngine({ store, actor: 'alice' });
    for (const name of ['report', 'fail', 'long']) {
      await engine.create({
        id: `t-${name}`,
        name,
        type: 'training',
        parameters: { lr: 0.1, 'batch-size': 32 },
      });
      await engine.enqueue({ id: `t-${name}`, queue: 'cpu' });
    }
    const worker = startWorker(
      store,
      '--queue',
      'cpu,gpu',
      '--id',
      'w1',
      '--concurrency',
      '3',
      '--exec',
      `sh ${join(cwd, 'task.sh')}`,
    );
    try {
      await waitFor(
        'report and fail to end',
        async () =>
          (await statusOf(engine, 't-report')) === 'completed' &&
          (await statusOf(engine, 't-fail')) === 'failed',
      );
      await waitFor(
        'long to start',
        async () =>
          (await engine.executions('t-long'))[0]?.reasons.some((r) => r.reason.includes('started')) ?? false,
      );
      await engine.stop({ id: 't-long' });
      await waitFor('long to be stopped', async () => (await statusOf(engine, 't-long')) === 'stopped');

      worker.child.kill('SIGTERM');
      expect({ code: await worker.exited, stderr: worker.stderr() }).toEqual({ code: 0, stderr: '' });
      expect(worker.lines).toEqual(
        expect.arrayContaining([
          { task: 't-report', ending: 'completed', worker: 'w1' },
          { task: 't-fail', ending: 'failed', worker: 'w1' },
          { task: 't-long', ending: 'stopped', worker: 'w1' },
        ]),
      );
      expect(worker.lines.at(-1)).toMatchObject({
        worker: 'w1',
        stats: { claimed: 3, completed: 1, failed: 1, stopped: 1 },
      });

      const report = await engine.get('t-report');
      expect(report.last_metrics['loss']?.['train']).toMatchObject({
        value: 0.25,
        iteration: 2,
        count: 2,
        first_value: 0.5,
      });
      expect(report.sub_steps.map((s) => s.name)).toEqual(['halfway']);
      const reasons = (await engine.executions('t-report'))[0]?.reasons.map((r) => r.reason).join('\n') ?? '';
      expect(reasons).toContain('hello from t-report lr=0.1 batch=32');
      expect(reasons).toContain(
        'warning: expected "metric <name> <variant> <value> [iteration]", got: metric broken',
      );

      expect((await engine.get('t-fail')).output.error).toBe('exit code 3: bad input');
      const long = await engine.history('t-long');
      expect(long.map((e) => e.type).slice(-2)).toEqual(['TaskStopRequested', 'TaskStopped']);
      expect(long.at(-1)).toMatchObject({ data: { worker: 'w1' }, metadata: { actor: 'w1' } });
    } finally {
      await engine.close();
    }
  });

  it('needs --queue and --exec (usage error, exit 2)', async () => {
    const cwd = folders.make();
    const result = await runCli(['worker', '--store', `sqlite:${join(cwd, 'events.db')}`, '--queue', 'q']);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.err)).toMatchObject({
      error: { code: 'invalid_request', message: expect.stringContaining('--exec') },
    });
  });

  it('refuses a bad --concurrency as invalid_request', async () => {
    const cwd = folders.make();
    const result = await runCli([
      'worker',
      '--store',
      `sqlite:${join(cwd, 'events.db')}`,
      '--queue',
      'q',
      '--exec',
      'true',
      '--concurrency',
      'many',
    ]);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.err)).toMatchObject({ error: { code: 'invalid_request', path: 'concurrency' } });
  });
});
