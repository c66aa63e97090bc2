import fc from 'fast-check';

const force = fc.boolean();
const worker = fc.constantFrom(undefined, 'w1', 'w2');

/** Any command on any of a few tasks: many will be refused, which is part of the point. */
export const commandOn = (ids: readonly string[]) => {
  const id = fc.constantFrom(...ids);
  return fc.oneof(
    // Weighted so that most histories create their tasks early and then live a while.
    {
      weight: 10,
      arbitrary: fc.record({
        type: fc.constant('create'),
        data: fc.record({
          id,
          name: fc.constant('n'),
          type: fc.constant('training'),
          parent: fc.option(id, { nil: undefined, freq: 2 }),
        }),
      }),
    },
    ...(
      [
        'enqueue',
        'started',
        'stop',
        'stopped',
        'failed',
        'completed',
        'close',
        'publish',
        'reset',
        'delete',
      ] as const
    ).map((type) => ({
      weight: 3,
      arbitrary: fc.record({ type: fc.constant(type), data: fc.record({ id, force }) }),
    })),
    fc.record({ type: fc.constant('completed'), data: fc.record({ id, publish: fc.constant(true) }) }),
    fc.record({ type: fc.constant('dequeue'), data: fc.record({ id }) }),
    fc.record({ type: fc.constant('archive'), data: fc.record({ id }) }),
    fc.record({ type: fc.constant('edit'), data: fc.record({ id, parent: id, force }) }),
    fc.record({ type: fc.constant('update'), data: fc.record({ id, comment: fc.string() }) }),
    fc.record({ type: fc.constant('ping'), data: fc.record({ id, worker }) }),
    fc.record({
      type: fc.constant('report_progress'),
      data: fc.record({ id, percentage: fc.integer({ min: 0, max: 100 }) }),
    }),
    fc.record({
      type: fc.constant('report_metrics'),
      data: fc.record({
        id,
        metrics: fc.array(
          fc.record({
            metric: fc.constantFrom('loss', 'acc'),
            variant: fc.constant('v'),
            iteration: fc.nat(50),
            value: fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }),
          }),
          { minLength: 1, maxLength: 3 },
        ),
      }),
    }),
    fc.record({
      type: fc.constant('report_execution'),
      data: fc.record({
        id,
        phase_version: fc.nat(3),
        reason: fc.constantFrom('pulling', 'running'),
        logs: fc.array(fc.record({ name: fc.constantFrom('out', 'err'), uri: fc.constantFrom('u1', 'u2') }), {
          maxLength: 2,
        }),
      }),
    }),
    fc.record({
      type: fc.constant('add_artifacts'),
      data: fc.record({
        id,
        artifacts: fc.constant([{ key: 'model', mode: 'output' as const, uri: 's3://m' }]),
      }),
    }),
  );
};
