import { getMemoryEventStore } from '../../../src/adapters/store/memoryEventStore';
import { testEngine, rejection } from '../../support/engine';
import { appendHandBuilt, atSecond, change, HandEvent } from '../../support/handBuilt';

/** Written by hand: a run that fails, is reset, then completed with force and published. */
const failedResetForced: HandEvent[] = [
  {
    atSecond: 0,
    type: 'TaskCreated',
    data: { id: 'h1', name: 'train', type: 'training', project: 'vision' },
  },
  {
    atSecond: 10,
    type: 'TaskEnqueued',
    data: { ...change('created', 'queued'), queue: 'gpu', enqueue_status: 'created' },
  },
  {
    atSecond: 20,
    type: 'TaskStarted',
    data: { ...change('queued', 'in_progress'), worker: 'w1' },
    actor: 'w1',
  },
  {
    atSecond: 30,
    type: 'MetricsReported',
    data: { metrics: [{ metric: 'loss', variant: 'train', iteration: 1, value: 0.9 }], worker: 'w1' },
    actor: 'w1',
  },
  {
    atSecond: 40,
    type: 'TaskFailed',
    data: { ...change('in_progress', 'failed'), error: 'oom', worker: 'w1' },
    actor: 'w1',
  },
  {
    atSecond: 50,
    type: 'TaskReset',
    data: { ...change('failed', 'created'), clear_all: false },
    reason: 'retry',
  },
  {
    atSecond: 60,
    type: 'TaskCompleted',
    data: { ...change('created', 'completed', true), result: 'manual' },
    actor: 'bob',
  },
  { atSecond: 70, type: 'TaskPublished', data: change('completed', 'published') },
];

const given = async (events: HandEvent[] = failedResetForced) => {
  const store = getMemoryEventStore();
  await appendHandBuilt(store, 'h1', events);
  const { engine } = testEngine({ store });
  return engine;
};

describe('stateAt on a hand-built history', () => {
  it('folds up to a revision: each step of a failed, reset, force-completed run', async () => {
    const engine = await given();
    expect(await engine.stateAt('h1', { revision: 0n })).toMatchObject({
      status: 'created',
      project: 'vision',
      created: atSecond(0),
    });
    expect(await engine.stateAt('h1', { revision: 2 })).toMatchObject({
      status: 'in_progress',
      worker: 'w1',
      started: atSecond(20),
    });
    const failed = await engine.stateAt('h1', { revision: 4n });
    expect(failed).toMatchObject({
      status: 'failed',
      last_iteration: 1,
      error_messages: ['oom'],
      output: { error: 'oom' },
    });
    expect(failed.last_metrics['loss']?.['train']?.value).toBe(0.9);

    const reset = await engine.stateAt('h1', { revision: '5' });
    expect(reset).toMatchObject({
      status: 'created',
      status_reason: '',
      last_metrics: {},
      error_messages: [],
      output: {},
    });
    expect(reset.started).toBeUndefined();
    expect(reset.last_iteration).toBeUndefined();
    expect(reset.worker).toBeUndefined();

    const forced = await engine.stateAt('h1', { revision: 6n });
    expect(forced).toMatchObject({
      status: 'completed',
      completed: atSecond(60),
      output: { result: 'manual' },
      last_changed_by: 'bob',
    });
    expect(await engine.stateAt('h1', { revision: 7n })).toEqual(await engine.get('h1'));
  });

  it('folds up to a moment: the last event at or before it counts', async () => {
    const engine = await given();
    expect((await engine.stateAt('h1', { at: atSecond(0) })).status).toBe('created');
    expect((await engine.stateAt('h1', { at: atSecond(19) })).status).toBe('queued');
    expect((await engine.stateAt('h1', { at: atSecond(20) })).status).toBe('in_progress');
    expect((await engine.stateAt('h1', { at: atSecond(55) })).status).toBe('created');
    // Another offset, the same instant.
    expect((await engine.stateAt('h1', { at: '2026-01-01T01:01:00+01:00' })).status).toBe('completed');
    expect((await engine.stateAt('h1', { at: '2030-01-01T00:00:00Z' })).status).toBe('published');
  });

  it('is not_found before the task existed, or for a task that never did', async () => {
    const engine = await given();
    await rejection(engine.stateAt('h1', { at: '2025-12-31T23:59:59Z' }), 'not_found');
    await rejection(engine.stateAt('nope', { revision: 0n }), 'not_found');
    await rejection(engine.stateAt('nope', { at: atSecond(10) }), 'not_found');
  });

  it('reads a deleted task as it was before deletion, and not_found after it', async () => {
    const engine = await given([
      { atSecond: 0, type: 'TaskCreated', data: { id: 'h1', name: 'scratch', type: 'testing' } },
      { atSecond: 5, type: 'TaskUpdated', data: { changes: { comment: 'about to go' } } },
      { atSecond: 9, type: 'TaskDeleted', data: { status: 'created' } },
    ]);
    await rejection(engine.get('h1'), 'not_found');
    expect(await engine.stateAt('h1', { revision: 1n })).toMatchObject({
      status: 'created',
      comment: 'about to go',
    });
    expect(await engine.stateAt('h1', { at: atSecond(8) })).toMatchObject({ comment: 'about to go' });
    const error = await rejection(engine.stateAt('h1', { revision: 2n }), 'not_found');
    expect(error.details).toMatchObject({ deleted: true, deletedAt: atSecond(9) });
  });

  it('refuses a revision past the end, a bad time, or both kinds of moment at once', async () => {
    const engine = await given();
    const past = await rejection(engine.stateAt('h1', { revision: 8n }), 'invalid_request');
    expect(past.details).toMatchObject({ path: 'revision', lastRevision: '7' });
    expect((await rejection(engine.stateAt('h1', { at: 'yesterday' }), 'invalid_request')).details.path).toBe(
      'at',
    );
    await rejection(engine.stateAt('h1', { revision: -1 }), 'invalid_request');
    await rejection(engine.stateAt('h1', { revision: 1, at: atSecond(0) } as never), 'invalid_request');
    await rejection(engine.stateAt('h1', {} as never), 'invalid_request');
  });

  it('agrees with the engine on a history the engine wrote, forced moves and a reset included', async () => {
    const { engine, clock } = testEngine();
    await engine.create({ id: 'e', name: 'e', type: 'training' });
    clock.advance(1000);
    await engine.completed({ id: 'e', force: true });
    clock.advance(1000);
    await engine.reset({ id: 'e' });
    clock.advance(1000);
    await engine.enqueue({ id: 'e' });
    const history = await engine.history('e');
    expect(history.map((e) => e.type)).toEqual(['TaskCreated', 'TaskCompleted', 'TaskReset', 'TaskEnqueued']);
    expect((await engine.stateAt('e', { revision: 1n })).status).toBe('completed');
    expect((await engine.stateAt('e', { at: '2026-01-01T00:00:02.500Z' })).status).toBe('created');
    expect(await engine.stateAt('e', { revision: 3n })).toEqual(await engine.get('e'));
  });
});
