import { evolve, evolveOwned, fold } from '../../src/domain/evolve';
import { initialState, TaskState } from '../../src/domain/taskState';
import { deepFreeze, recordedStreams } from '../fixtures/recordedHistories';

const histories = () => recordedStreams().map((s) => s.events);

describe('evolve', () => {
  it('never changes the state it is given: each event works on its own copy', () => {
    const streams = histories();
    const types = new Set(streams.flat().map((e) => e.type));
    expect(types.size).toBeGreaterThanOrEqual(20);
    for (const events of streams) {
      let state: TaskState = initialState;
      for (const event of events) {
        const given = deepFreeze(state);
        const before = JSON.stringify(given);
        // Writing to a frozen object throws here (modules run in strict mode).
        state = evolve(given, event);
        expect(JSON.stringify(given)).toBe(before);
      }
    }
  });

  it('in place (evolveOwned) changes the task it is given, never what that task shares', () => {
    for (const events of histories()) {
      let state: TaskState = initialState;
      for (const event of events) {
        const expected = JSON.stringify(evolve(state, event));
        // A task of its own, whose nested values are frozen: they are shared with the state before.
        const own: TaskState = state.kind === 'absent' ? state : { ...state, task: { ...state.task } };
        if (own.kind !== 'absent') for (const inner of Object.values(own.task)) deepFreeze(inner);
        state = evolveOwned(own, event);
        expect(JSON.stringify(state)).toBe(expected);
      }
    }
  });

  it('folds a history to what evolve gives event by event, leaving the state it starts from alone', () => {
    for (const events of histories()) {
      const stepwise = events.map((_, n) => events.slice(0, n + 1).reduce(evolve, initialState));
      for (let cut = 0; cut < events.length; cut++) {
        const from = deepFreeze(stepwise[cut] as TaskState);
        const before = JSON.stringify(from);
        expect(JSON.stringify(fold(events.slice(cut + 1), from))).toBe(JSON.stringify(stepwise.at(-1)));
        expect(JSON.stringify(from)).toBe(before);
      }
    }
  });
});
