import { Command as Program, CommanderError } from 'commander';
import { toMermaid } from '../../domain/mermaid';
import { TaskledgerError, isTaskledgerError } from '../../domain/errors';
import { globalOptions, Register } from './cliContext';
import { toJson } from './json';
import { Io, processIo } from './io';
import { registerTaskCommands } from './taskCommands';
import { registerTaskQueries } from './taskQueries';
import { registerDemo } from './demo/registerDemo';
import { registerReadModelCommands } from './readModelCommands';
import { registerRebuild } from './rebuildCommand';
import { ExitCode } from './exitCode';
import { registerAudit } from './audit';
import { registerTail } from './tail';
import { registerWorker } from './workerCommand';
import { registerWatchdog } from './watchdogCommand';

const registerMachine: Register = (program, io) => {
  program
    .command('machine')
    .description('print the status machine as a Mermaid state diagram')
    .action(() => io.out(toMermaid() + '\n'));
};

/** Every group of subcommands, in the order `--help` lists them. */
const groups: readonly Register[] = [
  registerTaskCommands,
  registerTaskQueries,
  registerReadModelCommands,
  registerRebuild,
  registerAudit,
  registerTail,
  registerWorker,
  registerWatchdog,
  registerMachine,
  registerDemo,
];

export const buildProgram = (io: Io = processIo): Program => {
  const program = new Program('taskledger')
    .description('An event-sourced task lifecycle engine: every change to a task is an event.')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err, outputError: () => undefined });
  for (const option of globalOptions()) program.addOption(option);
  for (const register of groups) register(program, io);
  return program;
};

const printError = (io: Io, error: TaskledgerError | { code: string; message: string }) =>
  io.err(toJson({ error: error instanceof TaskledgerError ? error.toJSON() : error }) + '\n');

/** Runs the CLI; resolves with the exit code: 0, 1 for an error, 2 for a usage error. */
export const run = async (argv: readonly string[], io: Io = processIo): Promise<number> => {
  try {
    await buildProgram(io).parseAsync([...argv]);
    return 0;
  } catch (error) {
    if (error instanceof ExitCode) return error.code;
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return 0; // --help, --version
      printError(io, { code: 'invalid_request', message: error.message.replace(/^error: /, '') });
      return 2;
    }
    if (isTaskledgerError(error)) {
      printError(io, error);
      return 1;
    }
    printError(io, { code: 'internal', message: error instanceof Error ? error.message : String(error) });
    return 1;
  }
};

export const main = (argv: readonly string[]) => {
  void run(argv).then((code) => {
    process.exitCode = code;
  });
};
