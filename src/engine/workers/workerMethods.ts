import type { WorkerDeps } from './workerDeps';
import type { WorkerOptions } from './workerOptions';
import { createWorker, Worker } from './worker';
import { createWatchdog, Watchdog } from '../watchdog/watchdog';
import type { WatchdogOptions } from '../watchdog/watchdogOptions';

export type WorkerMethods = {
  /** A worker in this process claiming tasks from `queues`: `engine.worker({…}).run(handler)`. */
  worker(options: WorkerOptions): Worker;
  /** Stops in_progress tasks that stopped reporting (status-rules.md, Liveness). */
  watchdog(options?: WatchdogOptions): Watchdog;
};

/** Workers and watchdogs made by one engine; closing the engine closes them first. */
export const getWorkerMethods = (deps: WorkerDeps) => {
  const open = new Set<{ close(): Promise<void> }>();

  const methods: WorkerMethods = {
    worker: (options) => {
      const worker = createWorker(deps, options);
      const handle = { close: () => worker.close() };
      open.add(handle);
      return {
        ...worker,
        close: async () => {
          await worker.close();
          open.delete(handle);
        },
      };
    },
    watchdog: (options) => {
      const watchdog = createWatchdog(deps, options);
      const handle = { close: () => watchdog.stop() };
      open.add(handle);
      return {
        ...watchdog,
        stop: async () => {
          await watchdog.stop();
          open.delete(handle);
        },
      };
    },
  };

  return {
    methods,
    /** Workers finish or hand back their tasks as their `onClose` says; watchdogs stop. */
    close: async () => {
      await Promise.all([...open].map((handle) => handle.close()));
      open.clear();
    },
  };
};
