import { createRequire } from 'node:module';
import { join } from 'node:path';

/**
 * The peers (Emmett, BullMQ, ioredis) live only in bench/node_modules, installed by `npm run
 * bench`. They are loaded here, at run time, through a require anchored at bench/package.json,
 * and typed by the small local interfaces below — the parts of their APIs the workloads use.
 * So the root `tsc --noEmit` and `eslint` pass on a fresh clone where bench/node_modules does
 * not exist, and the root package never depends on them.
 */
const benchRequire = createRequire(join(__dirname, '..', 'package.json'));

const load = <T>(name: string, has: readonly string[]): T => {
  let module: unknown;
  try {
    module = benchRequire(name);
  } catch (e) {
    throw new Error(`${name} is not installed: run \`npm --prefix bench install\` (${String(e)})`);
  }
  for (const key of has) {
    const holder = typeof module === 'object' || typeof module === 'function' ? module : null;
    if (holder === null || !(key in holder))
      throw new Error(`${name} has no ${key}: not the version bench/package.json pins`);
  }
  return module as T;
};

export type EmmettEvent = {
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly metadata?: Record<string, unknown>;
};
export type EmmettAppendResult = { readonly nextExpectedStreamVersion: bigint; readonly createdNewStream: boolean };
export type EmmettEventStore = {
  readStream(streamName: string): Promise<{ readonly currentStreamVersion: bigint }>;
  appendToStream(
    streamName: string,
    events: EmmettEvent[],
    options?: { expectedStreamVersion?: bigint | string },
  ): Promise<EmmettAppendResult>;
};

export type EmmettSQLite = {
  getSQLiteEventStore(options: {
    fileName: string;
    schema?: { autoMigration?: 'None' | 'CreateOrUpdate' };
  }): EmmettEventStore & { schema: { migrate(): Promise<void> } };
};

export type EmmettPostgres = {
  getPostgreSQLEventStore(
    connectionString: string,
    options?: { schema?: { autoMigration?: 'None' | 'CreateOrUpdate' } },
  ): EmmettEventStore & { close(): Promise<void>; schema: { migrate(): Promise<unknown> } };
};

export const loadEmmettSQLite = () => load<EmmettSQLite>('@event-driven-io/emmett-sqlite', ['getSQLiteEventStore']);
export const loadEmmettPostgres = () =>
  load<EmmettPostgres>('@event-driven-io/emmett-postgresql', ['getPostgreSQLEventStore']);

export type RedisConnection = { readonly host: string; readonly port: number };

export type BullJob = { readonly id?: string };
export type BullQueue = {
  addBulk(jobs: { name: string; data: unknown; opts?: Record<string, unknown> }[]): Promise<BullJob[]>;
  getJobCounts(...types: string[]): Promise<Record<string, number>>;
  obliterate(options?: { force?: boolean }): Promise<void>;
  waitUntilReady(): Promise<unknown>;
  close(): Promise<void>;
};
export type BullWorker = {
  run(): Promise<void>;
  close(force?: boolean): Promise<void>;
  waitUntilReady(): Promise<unknown>;
  on(event: 'failed' | 'error', listener: (...args: unknown[]) => void): void;
};
export type BullMQ = {
  Queue: new (name: string, options: { connection: RedisConnection }) => BullQueue;
  Worker: new (
    name: string,
    processor: (job: BullJob) => Promise<unknown>,
    options: { connection: RedisConnection; concurrency?: number; autorun?: boolean },
  ) => BullWorker;
};
export const loadBullMQ = () => load<BullMQ>('bullmq', ['Queue', 'Worker']);

export type Redis = {
  config(command: 'GET', parameter: string): Promise<unknown>;
  info(section: string): Promise<string>;
  quit(): Promise<unknown>;
};
export const loadIORedis = () =>
  load<{ default: new (options: RedisConnection & { lazyConnect?: boolean; maxRetriesPerRequest?: number }) => Redis }>(
    'ioredis',
    ['default'],
  );
