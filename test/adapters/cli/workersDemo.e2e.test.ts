import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { openEngine } from '../../../src/openEngine';
import { getTempFolders } from '../../support/tempFolders';

const folders = getTempFolders('workers-demo');
afterAll(folders.removeAll);

const root = join(__dirname, '../../..');

/** `npm run demo:workers`, small: what a user runs first must not break unnoticed. */
describe('the workers demo', () => {
  it('runs worker processes over one SQLite file until every task of its run has ended, then sums up', async () => {
    const store = `sqlite:${join(folders.make(), 'events.db')}`;
    const demo = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/adapters/cli/demo/workersDemo.ts',
        '--workers',
        '2',
        '--tasks',
        '20',
        '--store',
        store,
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    demo.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    demo.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => demo.on('exit', resolve));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain('taskledger workers demo: 21 tasks, 2 worker processes');
    expect(stdout).toMatch(/stop request: \S+-long is stopped/);

    const engine = await openEngine({ store });
    try {
      const unfinished = await engine.list({ status: ['created', 'queued', 'in_progress'] });
      expect(unfinished.total_size).toBe(0);
      expect((await engine.list({ page_size: 1 })).total_size).toBe(21);
    } finally {
      await engine.close();
    }
  }, 120_000);
});
