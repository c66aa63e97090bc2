/**
 * Progress for a person watching: on stderr, and only when stderr is a terminal, so a run piped
 * into a file or a CI log holds the JSON lines and nothing else. BENCH_PROGRESS=1 forces it
 * (a long run logged to a file).
 */
const enabled = process.stderr.isTTY === true || process.env['BENCH_PROGRESS'] === '1';
const started = performance.now();

export const progress = (message: string) => {
  if (!enabled) return;
  const seconds = ((performance.now() - started) / 1000).toFixed(1).padStart(6);
  process.stderr.write(`[bench ${seconds}s] ${message}\n`);
};
