import { oneShotChild } from '../lib/childMain';
import { loadEmmettPostgres, loadEmmettSQLite, EmmettEventStore } from '../lib/peers';
import { rawEvents } from '../lib/rawEvents';
import { postgresUrlWithSearchPath, tempPostgresSchema, tempSQLiteFile } from '../lib/tempStores';
import { progress } from '../lib/progress';
import { messageOf } from '../lib/workload';
import type { BenchEvent } from '../lib/engineEvents';
import { EVENTS_PER_TASK } from '../lib/lifecycle';
import { appendEmmett } from '../lib/emmettAppend';
import { pg } from '../lib/pg';

export type PeerInput = {
  readonly store: 'sqlite' | 'postgres';
  readonly callers: number;
  readonly tasks: number;
  readonly runs: number;
  readonly warmupTasks: number;
  /** Retry Emmett SQLite's transient lock errors (see emmettAppend.ts) instead of failing. */
  readonly retry: boolean;
};
export type PeerRun =
  | { readonly ok: true; readonly seconds: number; readonly tasks: number; readonly events: number; readonly retries: number }
  | { readonly ok: false; readonly failedCallers: number; readonly callers: number; readonly error: string };

/**
 * Emmett's SQLite connections emit SQLITE_BUSY as an 'error' event nobody listens to, which
 * would kill the process: they are collected here and reported with the run instead.
 */
const uncaught: string[] = [];
process.on('uncaughtException', (error) => uncaught.push(messageOf(error)));

/** An append that never settles (its error went to an unheard event) fails after this long. */
const APPEND_TIMEOUT_MS = 10_000;
const withTimeout = <T>(promise: Promise<T>): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${APPEND_TIMEOUT_MS} ms (${uncaught[0] ?? 'no error seen'})`)), APPEND_TIMEOUT_MS);
    }),
  ]).finally(() => clearTimeout(timer));
};

type OpenedPeer = { readonly store: EmmettEventStore; readonly close: () => Promise<void> };

/** A fresh Emmett store with its schema created before the clock starts. */
const openPeer = async (kind: PeerInput['store']): Promise<OpenedPeer> => {
  if (kind === 'sqlite') {
    const file = tempSQLiteFile('emmett');
    // Emmett's defaults: its own connection per operation, WAL, SQLite's default synchronous (FULL).
    const store = loadEmmettSQLite().getSQLiteEventStore({ fileName: file.path, schema: { autoMigration: 'CreateOrUpdate' } });
    await store.schema.migrate();
    return { store, close: file.cleanup };
  }
  const schema = tempPostgresSchema('emmett');
  const client = new pg.Client({ connectionString: postgresUrlWithSearchPath(schema.schema) });
  await client.connect();
  await client.query(`CREATE SCHEMA "${schema.schema}"`);
  await client.end();
  const store = loadEmmettPostgres().getPostgreSQLEventStore(postgresUrlWithSearchPath(schema.schema), {
    schema: { autoMigration: 'CreateOrUpdate' },
  });
  await store.schema.migrate();
  return {
    store,
    close: async () => {
      await store.close();
      await schema.cleanup();
    },
  };
};

/**
 * The lifecycle's events appended through Emmett, one event per append, each with the stream's
 * correct expected version (0n, Emmett's "no stream", first; then the version it returned).
 * The clock covers the appends (and, when retrying, the retries and their backoff).
 * Each caller owns whole tasks; a caller that fails stops, the others go on, so a run reports
 * how many callers failed rather than throwing.
 */
const runOnce = async (input: PeerInput, tasks: number): Promise<PeerRun> => {
  const events = rawEvents(tasks);
  const peer = await openPeer(input.store);
  const byCaller: BenchEvent[][] = Array.from({ length: input.callers }, () => []);
  events.forEach((e, i) => byCaller[Math.floor(i / EVENTS_PER_TASK) % input.callers]?.push(e));
  const errors: string[] = [];
  let retries = 0;
  uncaught.length = 0;
  try {
    const started = performance.now();
    await Promise.all(
      byCaller.map(async (share) => {
        const versions = new Map<string, bigint>();
        try {
          for (const e of share) {
            const event = { type: e.type, data: e.data, metadata: e.metadata };
            const expected = versions.get(e.streamName) ?? 0n;
            const result = await withTimeout(appendEmmett(peer.store, e.streamName, event, expected, input.retry));
            versions.set(e.streamName, result.version);
            retries += result.retries;
          }
        } catch (error) {
          errors.push(messageOf(error));
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    if (errors.length > 0) {
      const unheard = uncaught.length === 0 ? '' : `; ${uncaught.length} unhandled errors, first: ${uncaught[0]}`;
      return { ok: false, failedCallers: errors.length, callers: input.callers, error: `${errors[0] ?? ''}${unheard}` };
    }
    return { ok: true, seconds, tasks, events: events.length, retries };
  } finally {
    await peer.close();
  }
};

/**
 * Emmett's SQLite store fails now and then even with one appender (it sends PRAGMA journal_mode
 * without waiting on each new connection): a failed run is kept and reported, and another
 * attempt is made, up to twice the runs, so a figure still has `runs` successful measurements.
 * A configuration that fails `runs` times with no success is not tried further.
 */
oneShotChild(async (input: PeerInput): Promise<PeerRun[]> => {
  if (input.warmupTasks > 0) await runOnce({ ...input, callers: 1 }, input.warmupTasks).catch(() => undefined);
  const runs: PeerRun[] = [];
  const successes = () => runs.filter((r) => r.ok).length;
  while (successes() < input.runs && runs.length < input.runs * 2 && !(successes() === 0 && runs.length >= input.runs)) {
    const result = await runOnce(input, input.tasks);
    progress(`emmett ${input.store} ×${input.callers}${input.retry ? ' retrying' : ''}: attempt ${runs.length + 1} ${result.ok ? `${Math.round(result.events / result.seconds)} events/s, ${result.retries} retries` : `${result.failedCallers} of ${result.callers} callers failed`}`);
    runs.push(result);
  }
  return runs;
});
