import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';

export const TEST_POSTGRES_URL =
  process.env['TASKLEDGER_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

// Probed in a child process because jest collects tests synchronously: describe cannot await.
const PROBE = `
const { Client } = require(process.argv[1]);
const client = new Client({ connectionString: process.argv[2], connectionTimeoutMillis: 3000 });
client.connect().then(() => client.query('SELECT 1')).then(
  () => client.end().then(() => process.exit(0)),
  (e) => { console.error(e.message); process.exit(1); },
);`;

let probed: { ok: true } | { ok: false; reason: string } | undefined;

export const probePostgres = () => {
  if (probed !== undefined) return probed;
  const result = spawnSync(process.execPath, ['-e', PROBE, require.resolve('pg'), TEST_POSTGRES_URL], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  probed =
    result.status === 0
      ? { ok: true }
      : {
          ok: false,
          reason: (result.stderr || result.error?.message || `exit ${String(result.status)}`).trim(),
        };
  return probed;
};

/**
 * Runs `body` when PostgreSQL answers. When it does not: in CI (CI=true) a failing test says
 * why; elsewhere one console line says the tests were skipped, and they show as skipped.
 */
export const describeWithPostgres = (name: string, body: (url: string) => void) => {
  const probe = probePostgres();
  if (probe.ok) return describe(name, () => body(TEST_POSTGRES_URL));
  const why = `PostgreSQL at ${TEST_POSTGRES_URL} cannot be reached (${probe.reason})`;
  if (process.env['CI'] === 'true') {
    return describe(name, () => {
      it('reaches PostgreSQL (required in CI)', () => {
        throw new Error(`${why}; start it or set TASKLEDGER_TEST_POSTGRES_URL`);
      });
    });
  }
  console.warn(
    `SKIPPED ${name}: ${why}. Set TASKLEDGER_TEST_POSTGRES_URL or start PostgreSQL; CI fails here.`,
  );
  return describe.skip(name, () => body(TEST_POSTGRES_URL));
};

/** Schemas made by one test file (each test gets its own), dropped together at its end. */
export const getTestSchemas = (label: string) => {
  const made: string[] = [];
  return {
    make: () => {
      const schema = `t_${label}_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
      made.push(schema);
      return schema;
    },
    dropAll: async () => {
      const pool = new Pool({ connectionString: TEST_POSTGRES_URL, max: 1 });
      try {
        for (const schema of made.splice(0)) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await pool.end();
      }
    },
  };
};

/**
 * Whether a statement whose text holds every one of `needles` (a test's schema name, say: the
 * cluster may be busy with other tests) is waiting for a lock right now.
 */
export const waitsForLock = async (pool: Pool, ...needles: readonly string[]): Promise<boolean> => {
  const result = await pool.query<{ n: string }>(
    `SELECT count(*)::text AS n FROM pg_stat_activity
      WHERE wait_event_type = 'Lock' AND (SELECT bool_and(strpos(query, needle) > 0) FROM unnest($1::text[]) AS needle)`,
    [needles],
  );
  return Number(result.rows[0]?.n) > 0;
};

/** Waits until `waitsForLock(pool, ...needles)` holds; fails, naming `what`, after about 5 s. */
export const untilWaitingForLock = async (pool: Pool, what: string, ...needles: readonly string[]) => {
  for (let tries = 0; !(await waitsForLock(pool, ...needles)); tries++) {
    if (tries > 250) throw new Error(`${what} never waited for the lock`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};
