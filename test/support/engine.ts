import { createEngine, Engine } from '../../src/engine/engine';
import { manualClock } from '../../src/engine/clock';
import { memoryStorage, type Storage } from '../../src/adapters/storage/openStorage';
import { getMemoryReadModels } from '../../src/adapters/readModels/memoryReadModels';
import type { EventStore } from '../../src/ports/eventStore';

/**
 * An engine with a clock the test moves. By default on a fresh memory store with inline read
 * models; given a store (a wrapper, another engine's store), its read models follow it async.
 */
export const testEngine = (options: { store?: EventStore; workerTimeoutMs?: number } = {}) => {
  const clock = manualClock('2026-01-01T00:00:00.000Z');
  let next = 0;
  const storage =
    options.store === undefined
      ? memoryStorage()
      : { store: options.store, readModels: getMemoryReadModels(), mode: 'async' as const };
  const engine: Engine = createEngine({
    store: storage.store,
    readModels: storage,
    clock,
    actor: 'alice',
    newTaskId: () => `task${++next}`,
    ...(options.workerTimeoutMs === undefined ? {} : { workerTimeoutMs: options.workerTimeoutMs }),
  });
  return { engine, store: storage.store, readModels: storage.readModels, clock };
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

/** An engine over a given store, its read models in memory following it (async mode). */
export const engineOn = (
  store: EventStore,
  options: Omit<Parameters<typeof createEngine>[0], 'store' | 'readModels'> = {},
) => createEngine({ ...options, store, readModels: { readModels: getMemoryReadModels(), mode: 'async' } });

/** An engine on `storage` with its read models inline, at a fixed time, acting as alice. */
export const inlineEngineOn = (storage: Storage): Engine =>
  createEngine({
    store: storage.store,
    readModels: storage,
    clock: manualClock('2026-01-01T00:00:00.000Z'),
    actor: 'alice',
  });
