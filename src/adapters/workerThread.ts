import { Worker } from 'node:worker_threads';

/**
 * Starts `file` (a module next to the caller: `join(__dirname, \`name${extname(__filename)}\`)`)
 * in a worker thread. Compiled, it is a .js file Node runs as it is. From the TypeScript sources
 * (jest, tsx) a thread inherits no loader — tsx's hooks do not reach it, and ts-jest transforms
 * only inside jest's own module registry — so the thread first registers tsx's require hook
 * (a dev dependency, there whenever the sources run) and then requires the .ts file.
 */
export const startWorkerThread = (file: string, workerData: unknown): Worker => {
  if (!file.endsWith('.ts')) return new Worker(file, { workerData });
  const script = `require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(file)});`;
  return new Worker(script, { eval: true, workerData });
};
