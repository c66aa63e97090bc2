/** Where the servers the bench talks to are: the machine's own, overridable for another setup. */
export const POSTGRES_URL = process.env['BENCH_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS = {
  host: process.env['BENCH_REDIS_HOST'] ?? '127.0.0.1',
  port: Number(process.env['BENCH_REDIS_PORT'] ?? 6379),
};
