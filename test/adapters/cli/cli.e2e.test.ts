import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../support/cli';
import { getTempFolders } from '../../support/tempFolders';

const folders = getTempFolders('cli');
afterAll(() => folders.removeAll());

/** The real binary against a temporary SQLite file. */
describe('the taskledger CLI', () => {
  const setup = () => {
    const cwd = folders.make();
    const store = `sqlite:${join(cwd, 'events.db')}`;
    const cli = (...args: string[]) => runCli(['--store', store, ...args], { cwd });
    return { cwd, store, cli };
  };

  it('--help works and lists the subcommands', async () => {
    const { cwd } = setup();
    const help = await runCli(['--help'], { cwd });
    expect(help.code).toBe(0);
    for (const sub of [
      'create',
      'report-metrics',
      'add-artifacts',
      'report-progress',
      'history',
      'machine',
      'list',
      'rebuild',
    ]) {
      expect(help.stdout).toContain(sub);
    }
  });

  it('drives a task through its life and prints JSON', async () => {
    const { cli } = setup();
    const created = await cli(
      'create',
      '--name',
      'train',
      '--type',
      'training',
      '--project',
      'vision',
      '--tags',
      'a,b',
      '--param',
      'lr=0.1',
    );
    expect(created.code).toBe(0);
    const { id } = created.json() as { id: string };
    expect(typeof id).toBe('string');
    expect((await cli('enqueue', id, '--queue', 'gpu')).json()).toMatchObject({
      updated: 1,
      fields: { status: 'queued', queue: 'gpu' },
      revision: 1,
    });
    expect((await cli('started', id, '--worker', 'w1')).code).toBe(0);
    expect(
      (
        await cli(
          'report-metrics',
          id,
          '--metric',
          'loss',
          '--variant',
          'train',
          '--iteration',
          '3',
          '--value',
          '0.25',
          '--worker',
          'w1',
        )
      ).code,
    ).toBe(0);
    expect((await cli('report-progress', id, '--percentage', '40', '--sub-step', 'epoch 1')).code).toBe(0);
    expect(
      (await cli('add-artifacts', id, '--key', 'model', '--mode', 'output', '--uri', 's3://m')).code,
    ).toBe(0);
    expect((await cli('completed', id, '--publish', '--reason', 'good run')).json()).toMatchObject({
      fields: { status: 'published' },
    });
    const task = (await cli('get', id)).json();
    expect(task).toMatchObject({
      id,
      name: 'train',
      status: 'published',
      project: 'vision',
      tags: ['a', 'b'],
      execution: { parameters: { lr: 0.1 }, artifacts: [{ key: 'model', mode: 'output', uri: 's3://m' }] },
      last_iteration: 3,
      progress_percentage: 100,
    });
    const history = (await cli('history', id)).json() as { type: string; metadata: { reason?: string } }[];
    expect(history.map((e) => e.type)).toEqual([
      'TaskCreated',
      'TaskEnqueued',
      'TaskStarted',
      'MetricsReported',
      'ProgressReported',
      'ArtifactsAdded',
      'TaskCompleted',
      'TaskPublished',
    ]);
    expect(history[6]?.metadata.reason).toBe('good run');
    expect((await cli('list', '--status', 'published', '--only-fields', 'name')).json()).toEqual({
      tasks: [{ id, name: 'train' }],
      next_page_token: '',
      total_size: 1,
    });
    expect(
      (await cli('list', '--status', 'published', '--only-fields', 'name', '--no-total')).json(),
    ).toEqual({
      tasks: [{ id, name: 'train' }],
      next_page_token: '',
    });
    expect((await cli('executions', id)).json()).toMatchObject([{ attempt: 1, phase: 'SUCCEEDED' }]);
    expect((await cli('last-metrics', id)).json()).toMatchObject({ last_iteration: 3 });
  });

  it('global options may follow the subcommand, and --actor is recorded', async () => {
    const { cli, store, cwd } = setup();
    const created = await runCli(
      ['create', '--id', 'x1', '--name', 'n', '--type', 'testing', '--store', store, '--actor', 'carol'],
      { cwd },
    );
    expect(created.code).toBe(0);
    const history = (await cli('history', 'x1', '--json')).json() as { metadata: { actor: string } }[];
    expect(history[0]?.metadata.actor).toBe('carol');
  });

  it('uses .taskledger/events.db in the working folder by default, or TASKLEDGER_STORE', async () => {
    const { cwd } = setup();
    expect((await runCli(['create', '--id', 'd1', '--name', 'n', '--type', 'testing'], { cwd })).code).toBe(
      0,
    );
    expect(existsSync(join(cwd, '.taskledger', 'events.db'))).toBe(true);
    const other = `sqlite:${join(cwd, 'other.db')}`;
    expect(
      (
        await runCli(['create', '--id', 'd2', '--name', 'n', '--type', 'testing'], {
          cwd,
          env: { TASKLEDGER_STORE: other },
        })
      ).code,
    ).toBe(0);
    expect((await runCli(['get', 'd2', '--store', other], { cwd })).code).toBe(0);
    expect((await runCli(['get', 'd2'], { cwd })).code).toBe(1);
  });

  describe('errors: JSON on stderr, exit 1 (2 for usage), nothing appended', () => {
    it.each([
      ['an illegal transition', ['completed', 't'], 'invalid_transition', 1],
      ['an unknown task', ['started', 'nope'], 'not_found', 1],
      ['a mistyped value', ['report-progress', 't', '--percentage', 'half'], 'invalid_request', 1],
      ['an out-of-range value', ['report-progress', 't', '--percentage', '101'], 'invalid_request', 1],
      ['a bad task type', ['create', '--name', 'n', '--type', 'cooking'], 'invalid_request', 1],
      ['a missing required option', ['create', '--type', 'training'], 'invalid_request', 1],
      ['an unknown option', ['enqueue', 't', '--queeu', 'gpu'], 'invalid_request', 2],
      ['an unknown subcommand', ['frobnicate', 't'], 'invalid_request', 2],
      ['a missing argument', ['started'], 'invalid_request', 2],
    ])('%s', async (_what, args, code, exit) => {
      const { cli } = setup();
      expect((await cli('create', '--id', 't', '--name', 'n', '--type', 'training')).code).toBe(0);
      const result = await cli(...args);
      expect({ exit: result.code, code: result.error().code }).toEqual({ exit, code });
      expect(result.stdout).toBe('');
      expect((await cli('history', 't', '--json')).json()).toHaveLength(1);
    });

    it('a malformed store URL is invalid_request with path store, and creates nothing', async () => {
      const { cwd } = setup();
      const result = await runCli(['create', '--name', 'n', '--type', 'testing', '--store', 'bogus://x'], {
        cwd,
      });
      expect(result.code).toBe(1);
      expect(result.error()).toMatchObject({ code: 'invalid_request', path: 'store' });
      expect(existsSync(join(cwd, '.taskledger'))).toBe(false);
    });

    it('get of a deleted task is not_found; its history stays readable', async () => {
      const { cli } = setup();
      await cli('create', '--id', 'gone', '--name', 'n', '--type', 'training');
      expect((await cli('delete', 'gone')).code).toBe(0);
      const get = await cli('get', 'gone');
      expect({ exit: get.code, code: get.error().code }).toEqual({ exit: 1, code: 'not_found' });
      expect(((await cli('history', 'gone')).json() as unknown[]).length).toBe(2);
    });
  });

  it('machine prints the Mermaid diagram generated from the machine', async () => {
    const { cli } = setup();
    const result = await cli('machine');
    expect(result.stdout).toMatch(/^stateDiagram-v2/);
    expect(result.stdout).toContain('in_progress --> completed : completed');
    expect(result.stdout).not.toContain('published --> ');
  });

  it('demo runs a workload and prints a summary (--json for scripts)', async () => {
    const { cli } = setup();
    const result = await cli('demo', '--pipelines', '3', '--json');
    expect(result.code).toBe(0);
    const { summary, history } = result.json() as {
      summary: { tasks: number; commands: number; byStatus: Record<string, number> };
      history: unknown[];
    };
    expect(summary.tasks).toBeGreaterThan(3);
    expect(Object.values(summary.byStatus).reduce((a, b) => a + b, 0)).toBe(summary.tasks);
    expect(history.length).toBeGreaterThan(3);
  });
});
