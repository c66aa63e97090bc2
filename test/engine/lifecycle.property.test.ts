import fc from 'fast-check';
import { testEngine, countEvents } from '../support/engine';
import { fold } from '../../src/domain/evolve';
import { isAllowed } from '../../src/domain/transitionTable';
import type { MachineCommand } from '../../src/domain/machine';
import type { Status } from '../../src/domain/status';
import type { HistoryEntry } from '../../src/engine/history';

const ids = ['t0', 't1', 't2', 't3'];
const id = fc.constantFrom(...ids);
const force = fc.boolean();
const worker = fc.constantFrom(undefined, 'w1', 'w2');

/** Any command on any of a few tasks: most will be refused, which is the point. */
const command = fc.oneof(
  fc.record({
    type: fc.constant('create'),
    data: fc.record({
      id,
      name: fc.constant('n'),
      type: fc.constant('training'),
      parent: fc.option(id, { nil: undefined }),
    }),
  }),
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
  ).map((type) => fc.record({ type: fc.constant(type), data: fc.record({ id, force }) })),
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
);

const envelope = (e: HistoryEntry) => ({ type: e.type, data: e.data, metadata: e.metadata }) as never;

describe('any command sequence, folded, gives the states the machine allows', () => {
  it('holds for random histories on random task trees', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(command, fc.nat(700_000)), { minLength: 1, maxLength: 40 }),
        async (steps) => {
          const { engine, store, clock } = testEngine();
          for (const [{ type, data }, pause] of steps) {
            clock.advance(pause);
            const before = await engine.history(data.id);
            const stateBefore = fold(before.map(envelope));
            const eventsBefore = await countEvents(store);
            const outcome = await engine.execute(type, data).then(
              (result) => ({ ok: true as const, result }),
              (error: { code: string }) => ({ ok: false as const, error }),
            );
            const after = await engine.history(data.id);
            if (!outcome.ok || outcome.result.updated === 0) {
              // Refused, or nothing to change: nothing appended anywhere.
              expect(await countEvents(store)).toBe(eventsBefore);
              expect(outcome.ok || typeof outcome.error.code === 'string').toBe(true);
              continue;
            }
            const appended = after.slice(before.length);
            expect(appended.length).toBeGreaterThan(0);
            // Each recorded status change is one the machine allows (with force where recorded).
            let status: Status | undefined =
              stateBefore.kind === 'live' ? stateBefore.task.status : undefined;
            const archived = stateBefore.kind === 'live' && stateBefore.task.system_tags.includes('archived');
            for (const event of appended) {
              const data = event.data as { from?: Status; to?: Status; forced?: true };
              if (event.type === 'TaskDeleted') {
                expect(status).toBeDefined();
                expect(
                  isAllowed(status as Status, 'delete', 'deleted', { force: data.forced === true, archived }),
                ).toBe(true);
              } else if (data.to !== undefined && status !== undefined) {
                expect(data.from).toBe(status);
                const cmd = (event.type === 'TaskPublished' ? 'publish' : type) as MachineCommand;
                expect(isAllowed(status, cmd, data.to, { force: data.forced === true, archived })).toBe(true);
                status = data.to;
              }
            }
            // get equals the fold of history.
            const folded = fold(after.map(envelope));
            if (folded.kind === 'live') expect(await engine.get(data.id)).toEqual(folded.task);
            else await expect(engine.get(data.id)).rejects.toMatchObject({ code: 'not_found' });
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
