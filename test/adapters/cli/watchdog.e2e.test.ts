import { join } from 'node:path';
import { openEngine } from '../../../src/openEngine';
import { manualClock } from '../../../src/engine/clock';
import { runCli } from '../../support/captureIo';
import { getTempFolders } from '../../support/tempFolders';

const folders = getTempFolders('cli-watchdog');
afterAll(folders.removeAll);

describe('CLI: watchdog', () => {
  it('--once stops tasks silent past --threshold, requeues with --requeue, and prints the report', async () => {
    const store = `sqlite:${join(folders.make(), 'events.db')}`;
    // Written 90 minutes ago: the CLI's clock is the real one.
    const clock = manualClock(new Date(Date.now() - 90 * 60_000));
    const engine = await openEngine({ store, clock, actor: 'alice' });
    for (const id of ['silent', 'requeued']) {
      await engine.create({ id, name: id, type: 'training' });
      await engine.enqueue({ id, queue: 'gpu' });
      await engine.started({ id, worker: 'w1' });
    }
    clock.set(new Date());
    await engine.ping({ id: 'requeued', worker: 'w1' });
    await engine.close();

    // The default threshold is two hours.
    const quiet = await runCli(['watchdog', '--once', '--store', store]);
    expect(quiet.code).toBe(0);
    expect(JSON.parse(quiet.out)).toMatchObject({ stopped: [], requeued: [] });

    const first = await runCli(['watchdog', '--once', '--threshold', '3600', '--store', store]);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.out)).toMatchObject({ stopped: ['silent'], requeued: [], raced: [] });

    const reopened = await openEngine({ store });
    expect(await reopened.get('silent')).toMatchObject({
      status: 'stopped',
      status_message: 'Forced stop (non-responsive)',
    });
    await reopened.close();
    const second = await runCli([
      'watchdog',
      '--once',
      '--threshold',
      '0.001',
      '--requeue',
      '--store',
      store,
    ]);
    expect(JSON.parse(second.out)).toMatchObject({ stopped: ['requeued'], requeued: ['requeued'] });
  });

  it('refuses a bad --threshold as invalid_request', async () => {
    const result = await runCli([
      'watchdog',
      '--once',
      '--threshold',
      'soon',
      '--store',
      `sqlite:${join(folders.make(), 'e.db')}`,
    ]);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.err)).toMatchObject({ error: { code: 'invalid_request', path: 'threshold' } });
  });
});
