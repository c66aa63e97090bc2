import { assumedState } from '../../../src/adapters/store/postgres/postgresAppendStatement';
import { anEvent } from '../../contract/contractSupport';

describe('assumedState (the PostgreSQL one-statement append)', () => {
  it('takes each append at its word: the revision it names, no stream for no_stream', () => {
    const assumed = assumedState([
      { stream: 'task-1', events: [anEvent()], expectedRevision: 4n },
      { stream: 'task-2', events: [anEvent()], expectedRevision: 'no_stream' },
    ]);
    expect(assumed?.lastRevisions).toEqual(new Map([['task-1', 4n]]));
    expect(assumed?.used.size).toBe(0);
  });

  it.each([
    ['expects any revision', [{ stream: 'task-1', events: [anEvent()], expectedRevision: 'any' as const }]],
    [
      'expects the stream to exist',
      [{ stream: 'task-1', events: [anEvent()], expectedRevision: 'stream_exists' as const }],
    ],
    ['appends no events', [{ stream: 'task-1', events: [], expectedRevision: 0n }]],
    [
      'shares its stream with another append of the flush',
      [
        { stream: 'task-1', events: [anEvent()], expectedRevision: 'no_stream' as const },
        { stream: 'task-1', events: [anEvent()], expectedRevision: 0n },
      ],
    ],
  ])('leaves to the reading path a flush where an append %s', (_case, batch) => {
    expect(assumedState(batch)).toBeUndefined();
  });
});
