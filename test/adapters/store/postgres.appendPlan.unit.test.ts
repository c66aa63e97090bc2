import {
  insertedPlaces,
  planAppends,
  type StoredState,
} from '../../../src/adapters/store/postgres/postgresAppendPlan';
import { isTaskledgerError } from '../../../src/domain/errors';
import { anEvent, someEvents } from '../../contract/contractSupport';

const empty: StoredState = { lastRevisions: new Map(), used: new Map() };

const statusOf = (outcome: { ok: true } | { ok: false; error: unknown }) =>
  outcome.ok ? 'ok' : isTaskledgerError(outcome.error) ? outcome.error.code : 'error';

describe('planAppends (PostgreSQL group commit)', () => {
  it('decides each append against the state the appends before it leave', () => {
    const plan = planAppends(
      [
        { stream: 'task-1', events: [anEvent()], expectedRevision: 'no_stream' },
        { stream: 'task-1', events: someEvents(2), expectedRevision: 0n },
        { stream: 'task-1', events: [anEvent()], expectedRevision: 0n },
        { stream: 'task-2', events: [anEvent()], expectedRevision: 'stream_exists' },
        { stream: 'task-2', events: [anEvent()], expectedRevision: 'any' },
      ],
      empty,
    );
    expect(plan.outcomes.map(statusOf)).toEqual(['ok', 'ok', 'conflict', 'conflict', 'ok']);
    expect(plan.outcomes[2]).toMatchObject({ error: { details: { expected: '0', actual: '2' } } });
    expect(plan.rows.map((r) => [r.stream, r.revision, r.ordinal])).toEqual([
      ['task-1', 0n, 1n],
      ['task-1', 1n, 2n],
      ['task-1', 2n, 3n],
      ['task-2', 0n, 4n],
    ]);
  });

  it('continues a stored stream and answers with positions once inserted', () => {
    const stored: StoredState = { lastRevisions: new Map([['task-1', 4n]]), used: new Map() };
    const plan = planAppends([{ stream: 'task-1', events: someEvents(2), expectedRevision: 4n }], stored);
    expect(plan.rows.map((r) => r.revision)).toEqual([5n, 6n]);
    const settled = plan.settle(
      insertedPlaces([
        { stream: 'task-1', revision: 5n, position: 700n },
        { stream: 'task-1', revision: 6n, position: 701n },
      ]),
      () => 0n,
    );
    expect(settled).toEqual([{ ok: true, value: { nextExpectedRevision: 6n, position: 701n } }]);
  });

  it('answers a stored append repeated as the first time, and the same append twice in one flush once', () => {
    const stored: StoredState = {
      lastRevisions: new Map([['task-1', 0n]]),
      used: new Map([['seen', { streamName: 'task-1', revision: 0n, position: 42n, type: 'TaskCreated' }]]),
    };
    const twice = someEvents(2);
    const plan = planAppends(
      [
        { stream: 'task-1', events: [{ ...anEvent(), id: 'seen' }], expectedRevision: 'no_stream' },
        { stream: 'task-2', events: twice, expectedRevision: 'no_stream' },
        { stream: 'task-2', events: twice, expectedRevision: 'no_stream' },
      ],
      stored,
    );
    expect(plan.rows).toHaveLength(2);
    const settled = plan.settle(
      insertedPlaces([
        { stream: 'task-2', revision: 0n, position: 90n },
        { stream: 'task-2', revision: 1n, position: 91n },
      ]),
      () => 0n,
    );
    expect(settled).toEqual([
      { ok: true, value: { nextExpectedRevision: 0n, position: 42n } },
      { ok: true, value: { nextExpectedRevision: 1n, position: 91n } },
      { ok: true, value: { nextExpectedRevision: 1n, position: 91n } },
    ]);
  });

  it('refuses an event id used elsewhere, in the store, earlier in the flush, or twice in one append', () => {
    const stored: StoredState = {
      lastRevisions: new Map([['task-1', 0n]]),
      used: new Map([['stored', { streamName: 'task-1', revision: 0n, position: 42n, type: 'TaskCreated' }]]),
    };
    const fresh = anEvent();
    const plan = planAppends(
      [
        { stream: 'task-9', events: [{ ...anEvent(), id: 'stored' }], expectedRevision: 'any' },
        { stream: 'task-2', events: [fresh], expectedRevision: 'any' },
        { stream: 'task-3', events: [anEvent(), fresh], expectedRevision: 'any' },
        {
          stream: 'task-4',
          events: [fresh, fresh].map((e) => ({ ...e, id: 'dup' })),
          expectedRevision: 'any',
        },
      ],
      stored,
    );
    expect(plan.outcomes.map(statusOf)).toEqual(['conflict', 'ok', 'conflict', 'conflict']);
    expect(plan.rows.map((r) => r.stream)).toEqual(['task-2']);
  });

  it('answers an append of no events with its stream’s revision and the head position', () => {
    const stored: StoredState = { lastRevisions: new Map([['task-1', 3n]]), used: new Map() };
    const plan = planAppends(
      [
        { stream: 'task-1', events: [], expectedRevision: 3n },
        { stream: 'task-new', events: [], expectedRevision: 'no_stream' },
      ],
      stored,
    );
    expect(plan.needsHead).toBe(true);
    expect(plan.settle(new Map(), () => 77n)).toEqual([
      { ok: true, value: { nextExpectedRevision: 3n, position: 77n } },
      { ok: true, value: { nextExpectedRevision: -1n, position: 77n } },
    ]);
  });
});
