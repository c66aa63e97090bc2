import { createEngine, Engine } from '../../src/engine/engine';
import { manualClock } from '../../src/engine/clock';
import { getMemoryEventStore } from '../../src/adapters/store/memoryEventStore';
import type { EventStore } from '../../src/ports/eventStore';

/** An engine on a fresh memory store with a clock the test moves. */
export const testEngine = (options: { store?: EventStore; workerTimeoutMs?: number } = {}) => {
  const store = options.store ?? getMemoryEventStore();
  const clock = manualClock('2026-01-01T00:00:00.000Z');
  let next = 0;
  const engine: Engine = createEngine({
    store,
    clock,
    actor: 'alice',
    newTaskId: () => `task${++next}`,
    ...(options.workerTimeoutMs === undefined ? {} : { workerTimeoutMs: options.workerTimeoutMs }),
  });
  return { engine, store, clock };
};

export const countEvents = async (store: EventStore): Promise<number> => {
  let n = 0;
  for await (const _ of store.readAll()) n++;
  return n;
};

/** Runs `action`, expects it to reject with `code`, and returns the error. */
export const rejection = async (action: Promise<unknown>, code: string) => {
  const error: unknown = await action.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toMatchObject({ code });
  return error as { code: string; details: Record<string, unknown> };
};
