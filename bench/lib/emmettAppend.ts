import type { EmmettEventStore, EmmettEvent } from './peers';

/** Emmett SQLite's lock and connection errors: its own races, gone on the next try. */
const isTransient = (error: unknown) =>
  /SQLITE_BUSY|no transaction is active|SQL statements in progress|database is locked/.test(
    error instanceof Error ? error.message : String(error),
  );

export const MAX_RETRIES = 10;

/**
 * One append with Emmett's expected version. With `retry`, a transient SQLite error is retried
 * after a short backoff, as a careful caller of Emmett would have to; before retrying, the
 * stream is read, because the failed attempt may have committed after all (then the version has
 * already moved on by one and the event is not appended twice).
 */
export const appendEmmett = async (
  store: EmmettEventStore,
  stream: string,
  event: EmmettEvent,
  expected: bigint,
  retry: boolean,
): Promise<{ version: bigint; retries: number }> => {
  for (let retries = 0; ; retries++) {
    try {
      const result = await store.appendToStream(stream, [event], { expectedStreamVersion: expected });
      return { version: result.nextExpectedStreamVersion, retries };
    } catch (error) {
      if (!retry || retries >= MAX_RETRIES || !isTransient(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 2 ** retries));
      const current = (await store.readStream(stream)).currentStreamVersion;
      if (current === expected + 1n) return { version: current, retries: retries + 1 };
    }
  }
};
