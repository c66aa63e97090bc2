import type { Io } from '../../src/adapters/cli/io';
import { run } from '../../src/adapters/cli/main';

/** Runs the CLI in this process with its output captured; `terminal` says whether stdout is a TTY. */
export const runCli = async (args: readonly string[], options: { terminal?: boolean } = {}) => {
  let out = '';
  let err = '';
  const io: Io = {
    out: (text) => void (out += text),
    err: (text) => void (err += text),
    isTerminal: options.terminal ?? false,
  };
  const code = await run(['node', 'taskledger', ...args], io);
  return { code, out, err, lines: () => out.split('\n').filter((l) => l !== '') };
};
