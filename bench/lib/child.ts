import { spawn, ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Child processes for what one process cannot measure about itself: peak RSS of a fresh process
 * (rebuild, verify), appends from another process (subscription latency), worker pools, and
 * --cpu-prof profiles. Children run TypeScript through tsx's loader, resolved from the root
 * package, so a child starts the same way whatever the working directory.
 */
export const TSX_LOADER = pathToFileURL(require.resolve('tsx')).href;
export const CHILDREN_DIR = join(__dirname, '..', 'children');

/** What a one-shot child prints as its last stdout line (see childMain.ts). */
export type ChildReport<R> =
  | { readonly ok: true; readonly result: R; readonly maxRssKB: number }
  | { readonly ok: false; readonly error: string };

export type ChildOptions = {
  readonly execArgv?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  /** Run this compiled .js file with plain node instead of the .ts child through tsx (profiles). */
  readonly compiledScript?: string;
};

/**
 * The compiled child to run instead of the .ts one: the caller's choice, or the same script under
 * `BENCH_CHILD_COMPILED_DIR` (a tsc output of the repo) so a whole workload can be profiled by name.
 */
const compiledScriptOf = (script: string, options: ChildOptions): string | undefined => {
  if (options.compiledScript !== undefined) return options.compiledScript;
  const dir = process.env.BENCH_CHILD_COMPILED_DIR;
  return dir === undefined || dir === ''
    ? undefined
    : join(dir, 'bench', 'children', script.replace(/\.ts$/, '.js'));
};

const spawnChild = (script: string, input: unknown, stdio: 'oneShot' | 'ipc', options: ChildOptions) =>
  spawn(
    process.execPath,
    [
      ...(process.env.BENCH_CHILD_NODE_ARGS?.split(' ').filter((a) => a !== '') ?? []),
      ...(options.execArgv ?? []),
      ...(compiledScriptOf(script, options) === undefined
        ? ['--import', TSX_LOADER, join(CHILDREN_DIR, script)]
        : [compiledScriptOf(script, options) as string]),
      JSON.stringify(input),
    ],
    {
      stdio: stdio === 'ipc' ? ['ignore', 'inherit', 'inherit', 'ipc'] : ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ...options.env },
    },
  );

/** Runs a child to its end and returns its result and its peak RSS (kernel's maxrss, whole process). */
export const runChild = <R>(
  script: string,
  input: unknown,
  options: ChildOptions = {},
): Promise<{ result: R; maxRssMB: number }> =>
  new Promise((resolve, reject) => {
    const child = spawnChild(script, input, 'oneShot', options);
    let stdout = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const last = stdout.trim().split('\n').pop() ?? '';
      let report: ChildReport<R> | undefined;
      try {
        report = JSON.parse(last) as ChildReport<R>;
      } catch {
        report = undefined;
      }
      if (report?.ok === true) resolve({ result: report.result, maxRssMB: report.maxRssKB / 1024 });
      else
        reject(
          new Error(
            report?.ok === false
              ? report.error
              : `${script} ${signal === null ? `exited with ${code}` : `was killed by ${signal}`}: ${last.slice(0, 500) || 'no output (see stderr)'}`,
          ),
        );
    });
  });

/** A long-lived child talked to over IPC: workers and appenders that wait for "go". */
export type LiveChild = {
  readonly process: ChildProcess;
  send(message: unknown): void;
  /** The next message the child sends (messages are queued until taken). */
  next(): Promise<unknown>;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
};

export const startChild = (script: string, input: unknown, options: ChildOptions = {}): LiveChild => {
  const child = spawnChild(script, input, 'ipc', options);
  const inbox: unknown[] = [];
  const waiting: { resolve: (m: unknown) => void; reject: (e: unknown) => void }[] = [];
  let gone: Error | undefined;
  child.on('message', (message) => {
    const waiter = waiting.shift();
    if (waiter) waiter.resolve(message);
    else inbox.push(message);
  });
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      gone = new Error(`${script} exited with ${code} before sending what was expected`);
      for (const waiter of waiting.splice(0)) waiter.reject(gone);
      resolve(code);
    }),
  );
  return {
    process: child,
    send: (message) => {
      if (child.connected) child.send(message as object);
    },
    next: () =>
      inbox.length > 0
        ? Promise.resolve(inbox.shift())
        : gone
          ? Promise.reject(gone)
          : new Promise((resolve, reject) => waiting.push({ resolve, reject })),
    exited,
  };
};

/** Waits for a message of a given `type` from a child (other messages are skipped). */
export const expectMessage = async (child: LiveChild, type: string): Promise<Record<string, unknown>> => {
  for (;;) {
    const message = await child.next();
    if (typeof message === 'object' && message !== null && Reflect.get(message, 'type') === type)
      return message as Record<string, unknown>;
    if (typeof message === 'object' && message !== null && Reflect.get(message, 'type') === 'error')
      throw new Error(String(Reflect.get(message, 'message')));
  }
};
