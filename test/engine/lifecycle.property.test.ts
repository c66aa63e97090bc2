import fc from 'fast-check';
import { commandOn } from '../support/commandArbitrary';
import { testEngine, countEvents } from '../support/engine';
import { fold } from '../../src/domain/evolve';
import { isAllowed } from '../../src/domain/transitionTable';
import type { MachineCommand } from '../../src/domain/machine';
import type { Status } from '../../src/domain/status';
import type { HistoryEntry } from '../../src/engine/history';

const envelope = (e: HistoryEntry) => ({ type: e.type, data: e.data, metadata: e.metadata }) as never;

describe('any command sequence, folded, gives the states the machine allows', () => {
  it('holds for random histories on random task trees', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(commandOn(['t0', 't1', 't2', 't3']), fc.nat(700_000)), {
          minLength: 1,
          maxLength: 40,
        }),
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
