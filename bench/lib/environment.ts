import { cpus, totalmem } from 'node:os';
import Database from 'better-sqlite3';
import { pg } from './pg';
import { POSTGRES_URL, REDIS } from './services';
import { loadIORedis } from './peers';
import type { Environment } from './figures';

const orUnavailable = async (what: () => Promise<string>) => {
  try {
    return await what();
  } catch (e) {
    return `unavailable (${e instanceof Error ? e.message : String(e)})`;
  }
};

const postgresVersion = () =>
  orUnavailable(async () => {
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    try {
      const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
      const settings = await client.query<{ name: string; setting: string }>(
        "SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit')",
      );
      return `${rows[0]?.server_version ?? '?'} (${settings.rows.map((r) => `${r.name}=${r.setting}`).join(', ')})`;
    } finally {
      await client.end();
    }
  });

const sqliteVersion = () => {
  const db = new Database(':memory:');
  try {
    const row = db.prepare('SELECT sqlite_version() AS v').get() as { v: string };
    return row.v;
  } finally {
    db.close();
  }
};

/** What Redis keeps on disk: the durability BullMQ has here. */
export const redisDurability = () =>
  orUnavailable(async () => {
    const Redis = loadIORedis().default;
    const redis = new Redis({ ...REDIS, lazyConnect: false, maxRetriesPerRequest: 1 });
    try {
      const save = (await redis.config('GET', 'save')) as string[];
      const aof = (await redis.config('GET', 'appendonly')) as string[];
      return `save="${save[1] ?? ''}" appendonly=${aof[1] ?? '?'}`;
    } finally {
      await redis.quit();
    }
  });

const redisVersion = () =>
  orUnavailable(async () => {
    const Redis = loadIORedis().default;
    const redis = new Redis({ ...REDIS, maxRetriesPerRequest: 1 });
    try {
      const info = await redis.info('server');
      return /redis_version:(\S+)/.exec(info)?.[1] ?? '?';
    } finally {
      await redis.quit();
    }
  });

export const describeEnvironment = async (options: { quick: boolean; events: number }): Promise<Environment> => ({
  name: 'environment',
  date: new Date().toISOString(),
  cores: cpus().length,
  cpu: cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
  node: process.version,
  postgres: await postgresVersion(),
  sqlite: sqliteVersion(),
  redis: `${await redisVersion()}, ${await redisDurability()}`,
  quick: options.quick,
  events: options.events,
});
