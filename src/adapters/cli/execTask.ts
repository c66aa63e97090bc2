import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { TaskContext, TaskHandler } from '../../engine/workers/taskContext';
import { parseExecLine } from './execOutput';
import { taskEnvironment } from './execEnvironment';

/** How much of stderr a failure quotes. */
const STDERR_TAIL_LINES = 20;
const STDERR_TAIL_CHARS = 2_000;

export type ExecOptions = {
  readonly command: string;
  /** After SIGTERM, how long the command has to exit before SIGKILL. */
  readonly killGraceMs?: number;
  /** Told when each command exits: the CLI prints a line per task. */
  readonly onExit?: (taskId: string, exit: { code: number | null; signal: NodeJS.Signals | null }) => void;
};

/** Feeds one stdout line to the task's reports. */
const reportLine = (ctx: TaskContext, iterations: Map<string, number>, line: string) => {
  const parsed = parseExecLine(line);
  try {
    switch (parsed.kind) {
      case 'metric': {
        // Without an iteration, each report of a metric and variant is the next one.
        const key = `${parsed.metric}\u0000${parsed.variant}`;
        const iteration = parsed.iteration ?? (iterations.get(key) ?? -1) + 1;
        iterations.set(key, iteration);
        ctx.reportMetrics({ metric: parsed.metric, variant: parsed.variant, value: parsed.value, iteration });
        return;
      }
      case 'progress':
        ctx.progress(parsed.percentage, parsed.step);
        return;
      case 'log':
        if (parsed.warning === undefined) ctx.log(parsed.text);
        else ctx.warn(`${parsed.warning}, got: ${parsed.text}`);
    }
  } catch (error) {
    ctx.warn(`${error instanceof Error ? error.message : String(error)}: ${line}`);
  }
};

/** Kills the command and whatever it started: it runs in a process group of its own. */
const killGroup = (pid: number | undefined, signal: NodeJS.Signals) => {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
};

/**
 * The handler behind `worker --exec`: runs the shell command with the task in its environment,
 * turns its stdout into reports, and ends as it exits: 0 completed, else failed with the tail of
 * its stderr. A stop request (the signal) sends it SIGTERM, then SIGKILL after a grace period;
 * the worker then records the task stopped.
 */
export const execHandler =
  (options: ExecOptions): TaskHandler =>
  (task, ctx) =>
    new Promise<undefined>((resolve, reject) => {
      const child = spawn(options.command, {
        shell: true,
        detached: true,
        env: { ...process.env, ...taskEnvironment(task, ctx.workerId) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const iterations = new Map<string, number>();
      const stderrTail: string[] = [];
      createInterface({ input: child.stdout }).on('line', (line) => reportLine(ctx, iterations, line));
      createInterface({ input: child.stderr }).on('line', (line) => {
        stderrTail.push(line);
        if (stderrTail.length > STDERR_TAIL_LINES) stderrTail.shift();
        ctx.log(`stderr: ${line}`);
      });

      let killer: NodeJS.Timeout | undefined;
      const stop = () => {
        killGroup(child.pid, 'SIGTERM');
        killer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), options.killGraceMs ?? 10_000);
      };
      if (ctx.signal.aborted) stop();
      else ctx.signal.addEventListener('abort', stop, { once: true });

      child.on('error', (error) => {
        ctx.signal.removeEventListener('abort', stop);
        reject(error);
      });
      child.on('close', (code, signal) => {
        clearTimeout(killer);
        ctx.signal.removeEventListener('abort', stop);
        options.onExit?.(task.id, { code, signal });
        if (code === 0) return resolve(undefined);
        const how = code === null ? `killed by ${signal ?? 'a signal'}` : `exit code ${code}`;
        const tail = stderrTail.join('\n').slice(-STDERR_TAIL_CHARS);
        reject(new Error(tail === '' ? how : `${how}: ${tail}`));
      });
    });
