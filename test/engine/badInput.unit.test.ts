import { testEngine, countEvents, rejection } from '../support/engine';

/** Bad input gets a clear error with a stable code, and changes nothing. */
describe('bad input never appends', () => {
  const setup = async () => {
    const t = testEngine();
    await t.engine.create({ id: 'a', name: 'a', type: 'training' });
    return t;
  };

  it.each([
    ['an unknown command', 'frobnicate', { id: 'a' }, 'invalid_request', 'type'],
    ['a missing field', 'create', { type: 'training' }, 'invalid_request', 'name'],
    ['a mistyped field', 'report_progress', { id: 'a', percentage: 'half' }, 'invalid_request', 'percentage'],
    [
      'an out-of-range value',
      'report_progress',
      { id: 'a', percentage: 101 },
      'invalid_request',
      'percentage',
    ],
    ['an unknown field', 'enqueue', { id: 'a', queeu: 'gpu' }, 'invalid_request', 'queeu'],
    // Named after members of Object.prototype, which a lookup with `in` would take as known.
    [
      'an unknown field named constructor',
      'enqueue',
      { id: 'a', constructor: 'x' },
      'invalid_request',
      'constructor',
    ],
    [
      'an unknown field named toString',
      'create',
      { name: 'x', type: 'training', toString: 1 },
      'invalid_request',
      'toString',
    ],
    [
      'an unknown field named __proto__ (as JSON gives it)',
      'enqueue',
      JSON.parse('{"id": "a", "__proto__": {"queue": "gpu"}}') as unknown,
      'invalid_request',
      '__proto__',
    ],
    ['a bad task type', 'create', { name: 'x', type: 'cooking' }, 'invalid_request', 'type'],
    [
      'a bad nested field',
      'report_metrics',
      { id: 'a', metrics: [{ metric: 'm', variant: 'v', iteration: 1.5, value: 1 }] },
      'invalid_request',
      'metrics.0.iteration',
    ],
    ['a bad id', 'started', { id: '../etc' }, 'invalid_request', 'id'],
    ['no data at all', 'started', undefined, 'invalid_request', ''],
  ])('%s is %s at its path', async (_what, type, data, code, path) => {
    const { engine, store } = await setup();
    const error = await rejection(engine.execute(type, data), code);
    expect(error.details.path).toBe(path);
    expect(await countEvents(store)).toBe(1);
    expect((await engine.get('a')).status).toBe('created');
  });

  it('an unknown task id is not_found', async () => {
    const { engine, store } = await setup();
    await rejection(engine.started({ id: 'nope' }), 'not_found');
    expect(await countEvents(store)).toBe(1);
  });

  it('an illegal transition is invalid_transition with from, to and the allowed commands', async () => {
    const { engine, store } = await setup();
    const error = await rejection(engine.completed({ id: 'a' }), 'invalid_transition');
    expect(error.details).toMatchObject({ from: 'created', to: 'completed', command: 'completed' });
    expect(error.details.allowed).toEqual(expect.arrayContaining(['enqueue', 'started', 'delete']));
    expect(await countEvents(store)).toBe(1);
    expect(await engine.history('a')).toHaveLength(1);
  });

  it('creating an existing id is already_exists', async () => {
    const { engine, store } = await setup();
    await rejection(engine.create({ id: 'a', name: 'again', type: 'training' }), 'already_exists');
    expect(await countEvents(store)).toBe(1);
    expect((await engine.get('a')).name).toBe('a');
  });
});
