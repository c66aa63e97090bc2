import type { Command as Program } from 'commander';
import { subcommand, GlobalOptions, Register } from '../cliContext';
import { numberish } from '../options';
import { TaskledgerError } from '../../../domain/errors';
import { DEFAULT_STORE } from '../../store/openEventStore';
import { openStorage } from '../../storage/openStorage';
import { runDemo } from './demoCommand';

const positive = (name: string, value: unknown): number => {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new TaskledgerError('invalid_request', `--${name} must be a positive integer`, { path: name });
  }
  return value;
};

type DemoFlags = { pipelines: unknown; seed: unknown; concurrency: unknown; json?: boolean };

/** `demo`: what `npm start` runs. */
export const registerDemo: Register = (program, io) => {
  subcommand(
    program,
    'demo',
    'run a realistic workload on the store and print a summary (what `npm start` runs)',
  )
    .option('--pipelines <n>', 'how many pipelines of steps', numberish, 12)
    .option('--seed <n>', 'workload seed', numberish, 42)
    .option('--concurrency <n>', 'pipelines run at once', numberish, 4)
    .option('--json', 'print the summary as JSON')
    .action(async (opts: DemoFlags, command: Program) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const options = {
        pipelines: positive('pipelines', opts.pipelines),
        seed: positive('seed', opts.seed),
        concurrency: positive('concurrency', opts.concurrency),
        json: opts.json === true,
        progress: process.stderr.isTTY === true,
      };
      // runDemo closes the engine, and with it the store and read models.
      await runDemo(
        await openStorage(globals.store ?? process.env['TASKLEDGER_STORE'] ?? DEFAULT_STORE),
        options,
        io,
      );
    });
};
