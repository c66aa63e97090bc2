import { spawn, ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import type { WorkerStats } from '../../../src/engine/workers/worker';

const script = join(__dirname, '../../support/workerProcess.ts');
const spawned = new Set<ChildProcess>();

/** SIGKILLs every worker process still alive: for afterEach, so a failed test leaves none behind. */
export const killWorkerProcesses = () => {
  for (const child of spawned)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  spawned.clear();
};

/** A worker process (test/support/workerProcess.ts) and what it says on stdout. */
export const spawnWorkerProcess = (storeUrl: string, id: string, queue: string, hangOn?: number) => {
  const args = [script, storeUrl, id, queue, '1', ...(hangOn === undefined ? [] : [String(hangOn)])];
  // Node itself with tsx's loader, not the tsx binary: a SIGKILL must hit the worker, not a
  // wrapper that would leave the worker running.
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  spawned.add(child);
  let stderr = '';
  let hanging: string | undefined;
  let stats: WorkerStats | undefined;
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout }).on('line', (line) => {
    const said = JSON.parse(line) as { hanging?: string; stats?: WorkerStats };
    if (said.hanging !== undefined) hanging = said.hanging;
    if (said.stats !== undefined) stats = said.stats;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    id,
    child,
    exited,
    /** The task its handler hangs on, once it does. */
    hanging: () => hanging,
    stats: () => stats,
    stderr: () => stderr,
  };
};
export type WorkerProcess = ReturnType<typeof spawnWorkerProcess>;
