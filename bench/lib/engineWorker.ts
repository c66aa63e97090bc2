import type { Engine } from '../../src';

/**
 * `engine.worker` as issue 6 specifies it, typed here rather than taken from the engine's type,
 * so the workers workload compiles and reports "not available" whatever state src/engine/workers
 * is in while it is being built.
 */
export type EngineWorker = {
  run(handler: (task: unknown, ctx: unknown) => Promise<unknown>): Promise<unknown>;
  close(): Promise<void>;
};
export type EngineWorkerOptions = {
  readonly id: string;
  readonly queues: readonly string[];
  readonly concurrency?: number;
  readonly heartbeatMs?: number;
};

export const engineWorkerOf = (engine: Engine): ((options: EngineWorkerOptions) => EngineWorker) | undefined => {
  const worker: unknown = Reflect.get(engine, 'worker');
  return typeof worker === 'function'
    ? (options) => (worker as (o: EngineWorkerOptions) => EngineWorker).call(engine, options)
    : undefined;
};
