import { testEngine, rejection } from '../support/engine';
import { mergeLogs } from '../../src/projections/executions';

const MIN = 60_000;

/** Given commands on a task, then its executions (reference/executions.md). */
describe('executions read model', () => {
  const setup = async () => {
    const t = testEngine();
    await t.engine.create({ id: 'a', name: 'train', type: 'training' });
    return t;
  };

  it('enqueue opens attempt 1 QUEUED; started makes it RUNNING; completed SUCCEEDED with duration and output', async () => {
    const { engine, clock } = await setup();
    await engine.enqueue({ id: 'a' });
    expect(await engine.executions('a')).toMatchObject([
      { attempt: 1, phase: 'QUEUED', created_at: '2026-01-01T00:00:00.000Z' },
    ]);
    clock.advance(MIN);
    await engine.started({ id: 'a', worker: 'w1' });
    clock.advance(10 * MIN);
    await engine.completed({ id: 'a', result: 's3://out' });
    const [attempt] = await engine.executions('a');
    expect(attempt).toMatchObject({
      task_id: 'a',
      attempt: 1,
      phase: 'SUCCEEDED',
      created_at: '2026-01-01T00:00:00.000Z',
      started_at: '2026-01-01T00:01:00.000Z',
      updated_at: '2026-01-01T00:11:00.000Z',
      duration: 600,
      output: 's3://out',
      worker: 'w1',
    });
    expect(attempt?.error).toBeUndefined();
  });

  it('started without a queue opens a RUNNING attempt; failed closes it FAILED with the error', async () => {
    const { engine } = await setup();
    await engine.started({ id: 'a' });
    await engine.failed({ id: 'a', error: 'CUDA OOM' });
    expect(await engine.executions('a')).toMatchObject([{ attempt: 1, phase: 'FAILED', error: 'CUDA OOM' }]);
    expect((await engine.executions('a'))[0]?.output).toBeUndefined();
  });

  it('reset and re-run give attempt 2; newest first; terminal attempts never change', async () => {
    const { engine, clock } = await setup();
    await engine.started({ id: 'a' });
    await engine.failed({ id: 'a', error: 'boom' });
    await engine.reset({ id: 'a' });
    clock.advance(MIN);
    await engine.enqueue({ id: 'a' });
    await engine.started({ id: 'a' });
    await engine.completed({ id: 'a' });
    const attempts = await engine.executions('a');
    expect(attempts.map((e) => [e.attempt, e.phase])).toEqual([
      [2, 'SUCCEEDED'],
      [1, 'FAILED'],
    ]);
    expect(attempts[1]).toMatchObject({ error: 'boom', updated_at: '2026-01-01T00:00:00.000Z' });
    expect(await engine.execution('a', 1)).toMatchObject({ phase: 'FAILED' });
    await rejection(engine.execution('a', 3), 'not_found');
  });

  it('a repeated started keeps the attempt and its started_at', async () => {
    const { engine, clock } = await setup();
    await engine.started({ id: 'a' });
    clock.advance(MIN);
    await engine.started({ id: 'a' });
    expect(await engine.executions('a')).toMatchObject([
      { attempt: 1, phase: 'RUNNING', started_at: '2026-01-01T00:00:00.000Z' },
    ]);
  });

  it.each([
    ['stopped', (e: Awaited<ReturnType<typeof setup>>['engine']) => e.stop({ id: 'a' })],
    ['dequeued', (e: Awaited<ReturnType<typeof setup>>['engine']) => e.dequeue({ id: 'a' })],
    ['reset', (e: Awaited<ReturnType<typeof setup>>['engine']) => e.reset({ id: 'a' })],
    ['archived', (e: Awaited<ReturnType<typeof setup>>['engine']) => e.archive({ id: 'a' })],
  ])(
    'an open attempt is ABORTED when the task is %s; a never-run attempt has no duration',
    async (_what, act) => {
      const { engine } = await setup();
      await engine.enqueue({ id: 'a' });
      await act(engine);
      const [attempt] = await engine.executions('a');
      expect(attempt?.phase).toBe('ABORTED');
      expect(attempt?.duration).toBeUndefined();
    },
  );

  it('a stop request keeps the attempt RUNNING and records the request in its reasons', async () => {
    const { engine } = await setup();
    await engine.started({ id: 'a', worker: 'w1' });
    await engine.stop({ id: 'a' });
    expect(await engine.executions('a')).toMatchObject([
      { phase: 'RUNNING', reasons: [{ reason: 'stop requested', message: 'alice' }] },
    ]);
    await engine.stopped({ id: 'a', worker: 'w1', status_reason: 'user request' });
    expect(await engine.executions('a')).toMatchObject([
      { phase: 'ABORTED', reasons: [{ reason: 'stop requested' }, { reason: 'user request' }] },
    ]);
  });

  describe('worker-reported updates (report_execution, Flyte rules)', () => {
    it('merges logs (new first), custom_info key by key, and does not repeat a reason', async () => {
      const { engine } = await setup();
      await engine.started({ id: 'a', worker: 'w1' });
      await engine.reportExecution({
        id: 'a',
        phase_version: 1,
        logs: [
          { name: 'stdout', uri: 's3://1' },
          { name: 'tb', uri: 'http://tb' },
        ],
        custom_info: { gpu: 'A100', n: 1 },
        reason: 'pulling image',
      });
      await engine.reportExecution({
        id: 'a',
        phase_version: 2,
        logs: [{ name: 'stdout', uri: 's3://2' }],
        custom_info: { n: 2 },
        reason: 'pulling image',
      });
      expect(await engine.executions('a')).toMatchObject([
        {
          phase_version: 2,
          logs: [
            { name: 'stdout', uri: 's3://2' },
            { name: 'tb', uri: 'http://tb' },
          ],
          custom_info: { gpu: 'A100', n: 2 },
          reasons: [{ reason: 'pulling image' }],
        },
      ]);
    });
    it('a redelivered report is already_exists and changes nothing', async () => {
      const { engine } = await setup();
      await engine.started({ id: 'a' });
      await engine.reportExecution({ id: 'a', phase_version: 1, custom_info: { k: 1 } });
      await rejection(
        engine.reportExecution({ id: 'a', phase_version: 1, custom_info: { k: 2 } }),
        'already_exists',
      );
      expect((await engine.executions('a'))[0]?.custom_info).toEqual({ k: 1 });
    });
    it('an update to a terminal attempt is invalid_transition', async () => {
      const { engine } = await setup();
      await engine.started({ id: 'a' });
      await engine.completed({ id: 'a' });
      await rejection(engine.reportExecution({ id: 'a', reason: 'late' }), 'invalid_transition');
      expect((await engine.executions('a'))[0]?.reasons).toEqual([]);
    });
  });

  it('log merge keeps an old log only when neither its uri nor its name is reused', () => {
    const old = [
      { name: 'a', uri: '1' },
      { name: 'b', uri: '2' },
      { name: 'c', uri: '3' },
    ];
    expect(
      mergeLogs(old, [
        { name: 'a', uri: '9' },
        { name: 'x', uri: '2' },
      ]),
    ).toEqual([
      { name: 'a', uri: '9' },
      { name: 'x', uri: '2' },
      { name: 'c', uri: '3' },
    ]);
  });

  it('a deleted task has no executions any more', async () => {
    const { engine } = await setup();
    await engine.delete({ id: 'a' });
    await rejection(engine.executions('a'), 'not_found');
  });
});
