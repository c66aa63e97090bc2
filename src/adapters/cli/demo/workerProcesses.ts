import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** A `taskledger worker` process the demo started, and what it printed. */
export type DemoWorker = {
  readonly id: string;
  readonly kill: (signal: NodeJS.Signals) => void;
  readonly exited: Promise<number | null>;
  /** Its closing line: `{ worker, stats }`, once it printed it. */
  readonly stats: () => Record<string, number> | undefined;
  readonly stderr: () => string;
};

/**
 * Starts the CLI's `worker` in a process of its own. `entry` is a script that runs the CLI when
 * given `args` (the demo re-runs itself), with this process's loader flags (tsx, when run from source).
 */
export const spawnCliWorker = (entry: readonly string[], args: readonly string[], id: string): DemoWorker => {
  const child = spawn(process.execPath, [...process.execArgv, ...entry, 'worker', '--id', id, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stats: Record<string, number> | undefined;
  let stderr = '';
  createInterface({ input: child.stdout }).on('line', (line) => {
    try {
      const said = JSON.parse(line) as { stats?: Record<string, number> };
      if (said.stats !== undefined) stats = said.stats;
    } catch {
      // Not one of the worker's JSON lines.
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    id,
    kill: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
    exited,
    stats: () => stats,
    stderr: () => stderr,
  };
};
