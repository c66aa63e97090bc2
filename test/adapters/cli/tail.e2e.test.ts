import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { openEngine } from '../../../src/openEngine';
import { manualClock } from '../../../src/engine/clock';
import { runCli } from '../../support/captureIo';
import { getTempFolders } from '../../support/tempFolders';
import { writeSubscriptionScenario, scenarioChanges } from '../../support/subscriptionScenario';

const folders = getTempFolders('cli-tail');
afterAll(folders.removeAll);

type Printed = {
  kind: string;
  taskId?: string;
  from?: string;
  to?: string;
  event?: string;
  position: number;
};

const givenStore = async () => {
  const url = `sqlite:${join(folders.make(), 'events.db')}`;
  const engine = await openEngine({ store: url, clock: manualClock(), actor: 'alice' });
  await writeSubscriptionScenario(engine);
  await engine.close();
  return url;
};

const tail = async (url: string, ...args: string[]) => {
  const result = await runCli(['tail', '--store', url, '--no-follow', ...args]);
  expect(result.code).toBe(0);
  return result.lines().map((l) => JSON.parse(l) as Printed);
};
const summary = (p: Printed) => `${p.taskId} ${p.from}>${p.to} ${p.event}`;
const changesOf = (printed: Printed[]) => printed.filter((p) => p.kind === 'change').map(summary);

describe('CLI: tail', () => {
  it('prints every status change as a JSON line, then the caught-up marker', async () => {
    const url = await givenStore();
    const printed = await tail(url);
    expect(changesOf(printed)).toEqual(scenarioChanges);
    expect(printed[printed.length - 1]).toMatchObject({ kind: 'caughtUp' });
  });

  it('filters by --status, --from-status, --project and --tree, and resumes --from a printed position', async () => {
    const url = await givenStore();
    expect(changesOf(await tail(url, '--status', 'stopped,deleted'))).toEqual([
      'grandchild created>deleted TaskDeleted',
      'root in_progress>stopped TaskStopped',
    ]);
    expect(changesOf(await tail(url, '--from-status', 'failed'))).toEqual(['child failed>created TaskReset']);
    expect(changesOf(await tail(url, '--project', 'ml', '--status', 'completed'))).toEqual([
      'other in_progress>completed TaskCompleted',
    ]);
    expect(changesOf(await tail(url, '--tree', 'child', '--type', 'TaskStarted'))).toEqual([
      'child queued>in_progress TaskStarted',
    ]);
    const all = await tail(url);
    const fifth = all[4]?.position ?? 0;
    expect(changesOf(await tail(url, '--from', String(fifth)))).toEqual(scenarioChanges.slice(5));
    expect(changesOf(await tail(url, '--from', 'end'))).toEqual([]);
  });

  it('with --name, a second run resumes after what the first printed', async () => {
    const url = await givenStore();
    expect(changesOf(await tail(url, '--name', 'ops'))).toEqual(scenarioChanges);
    expect(changesOf(await tail(url, '--name', 'ops'))).toEqual([]);
    const engine = await openEngine({ store: url, actor: 'alice' });
    await engine.enqueue({ id: 'child' });
    await engine.close();
    expect(changesOf(await tail(url, '--name', 'ops'))).toEqual(['child created>queued TaskEnqueued']);
  });

  it('prints one readable line per change on a terminal', async () => {
    const url = await givenStore();
    const result = await runCli(['tail', '--store', url, '--no-follow', '--status', 'failed'], {
      terminal: true,
    });
    expect(result.code).toBe(0);
    expect(result.lines()).toEqual([
      expect.stringMatching(
        /^\d+ {2}2026-01-01T00:00:00\.000Z {2}child {2}in_progress → failed {2}TaskFailed {2}by alice {2}"input"$/,
      ),
    ]);
  });

  it('refuses a bad --from or --status with invalid_request', async () => {
    const url = await givenStore();
    for (const args of [
      ['--from', 'yesterday'],
      ['--status', 'sideways'],
    ]) {
      const result = await runCli(['tail', '--store', url, '--no-follow', ...args]);
      expect(result.code).toBe(1);
      expect(JSON.parse(result.err)).toMatchObject({ error: { code: 'invalid_request' } });
    }
  });

  it('follows live changes from another process and stops cleanly on Ctrl-C (SIGINT), exit 0', async () => {
    const url = await givenStore();
    const tsx = join(__dirname, '../../../node_modules/.bin/tsx');
    const cli = join(__dirname, '../../support/cliProcess.ts');
    const proc = spawn(tsx, [cli, 'tail', '--store', url, '--from', 'end'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    const printed: Printed[] = [];
    const lines = createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
    const nextLine = async () => {
      const { value, done } = await lines.next();
      if (done === true) throw new Error(`tail ended early: ${stderr}`);
      const item = JSON.parse(String(value)) as Printed;
      printed.push(item);
      return item;
    };
    expect(await nextLine()).toMatchObject({ kind: 'caughtUp' });
    const engine = await openEngine({ store: url, actor: 'alice' });
    await engine.enqueue({ id: 'child' });
    await engine.close();
    expect(summary(await nextLine())).toBe('child created>queued TaskEnqueued');
    proc.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
  });
});
