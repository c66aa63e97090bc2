import { execFile } from 'node:child_process';
import { join } from 'node:path';

const BIN = join(__dirname, '..', '..', 'bin', 'taskledger.js');

export type CliResult = {
  code: number;
  stdout: string;
  stderr: string;
  json: () => unknown;
  error: () => { code: string; message: string } & Record<string, unknown>;
};

/** Runs the real `taskledger` binary (the built dist/) in `cwd`. */
export const runCli = (
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<CliResult> =>
  new Promise((resolve) => {
    const env = { ...process.env, ...options.env };
    delete env['TASKLEDGER_STORE'];
    if (options.env?.['TASKLEDGER_STORE'] !== undefined)
      env['TASKLEDGER_STORE'] = options.env['TASKLEDGER_STORE'];
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: options.cwd, env, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({
          code,
          stdout,
          stderr,
          json: () => JSON.parse(stdout) as unknown,
          error: () =>
            (JSON.parse(stderr) as { error: { code: string; message: string } & Record<string, unknown> })
              .error,
        });
      },
    );
  });
