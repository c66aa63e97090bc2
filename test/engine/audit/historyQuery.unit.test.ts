import { testEngine, rejection } from '../../support/engine';
import { writeAuditScenario } from '../../support/auditScenario';

describe('history with filters', () => {
  const given = async () => {
    const { engine, clock } = testEngine();
    await writeAuditScenario(engine, clock);
    return engine;
  };

  it('without filters is the whole history, deleted tasks included', async () => {
    const engine = await given();
    expect(await engine.history('a')).toHaveLength(11);
    expect((await engine.history('b')).map((e) => e.type)).toEqual([
      'TaskCreated',
      'TaskCompleted',
      'TaskArchived',
      'TaskDeleted',
    ]);
  });

  it('filters by event type', async () => {
    const engine = await given();
    const starts = await engine.history('a', { types: ['TaskStarted', 'TaskEnqueued'] });
    expect(starts.map((e) => [e.revision, e.type])).toEqual([
      [1n, 'TaskEnqueued'],
      [2n, 'TaskStarted'],
      [7n, 'TaskEnqueued'],
      [8n, 'TaskStarted'],
    ]);
  });

  it('filters by a time range, both ends inclusive', async () => {
    const engine = await given();
    // The scenario moves the clock one second between phases: 0 s, 1 s, 2 s, 3 s.
    const second = await engine.history('a', {
      from: '2026-01-01T00:00:02.000Z',
      to: '2026-01-01T00:00:02.000Z',
    });
    expect(second.map((e) => e.type)).toEqual([
      'TaskStopRequested',
      'TaskStopped',
      'TaskReset',
      'TaskEnqueued',
      'TaskStarted',
    ]);
    const since = await engine.history('a', { from: '2026-01-01T00:00:03Z', types: ['TaskPublished'] });
    expect(since.map((e) => e.revision)).toEqual([10n]);
    expect(await engine.history('a', { to: '2025-12-31T23:59:59Z' })).toEqual([]);
  });

  it('refuses an unknown event type or a time that is not ISO 8601', async () => {
    const engine = await given();
    expect(
      (await rejection(engine.history('a', { types: ['TaskStrated'] }), 'invalid_request')).details.path,
    ).toBe('types.0');
    expect(
      (await rejection(engine.history('a', { from: 'last tuesday' }), 'invalid_request')).details.path,
    ).toBe('from');
    await rejection(engine.history('a', { since: 'x' } as never), 'invalid_request');
  });
});
