import type { Engine } from '../../../src/engine/engine';
import type { TaskEventType } from '../../../src/domain/events';

/**
 * Waits for something another part of the system does on its own time (a worker's timer, another
 * process): polls `condition` until it holds, failing with `what` after a generous deadline.
 * Never a sleep standing in for synchronisation.
 */
export const waitFor = async (
  what: string,
  condition: () => Promise<boolean> | boolean,
  timeoutMs = 30_000,
  // Long waits on other processes look less often: each look is a query they compete with.
  everyMs = timeoutMs > 30_000 ? 200 : 10,
) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
};

/** Creates and queues tasks, in order. */
export const queueTasks = async (engine: Engine, ids: readonly string[], queue = 'default') => {
  for (const id of ids) {
    await engine.create({ id, name: id, type: 'training', parameters: { lr: 0.1, tag: id } });
    await engine.enqueue({ id, queue });
  }
};

export const typesOf = async (engine: Engine, id: string): Promise<TaskEventType[]> =>
  (await engine.history(id)).map((entry) => entry.type);

export const countOf = async (engine: Engine, id: string, type: TaskEventType) =>
  (await typesOf(engine, id)).filter((t) => t === type).length;

export const statusOf = async (engine: Engine, id: string) => (await engine.get(id)).status;

/** A promise a test opens when it wants: holds a handler mid-task. */
export const gate = () => {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
};

/** Resolves when `signal` fires. */
export const aborted = (signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
