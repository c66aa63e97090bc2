import * as t from 'io-ts';
import type { Command as Program } from 'commander';
import { strictObject, NonEmptyString } from '../../domain/decode';
import { invalidRequest } from '../../domain/errors';
import { subcommand, withEngine, Register } from './cliContext';
import { decodeFlags, DigitString } from './flags';
import { toJson } from './json';
import { ExitCode } from './exitCode';
import { processIo } from './io';
import { verifyProgressBar, verifySummary } from './verifyOutput';
import { registerExportImport } from './exportImport';

const StateAtFlags = strictObject('StateAtFlags', {}, { revision: DigitString, at: NonEmptyString });
const VerifyFlags = strictObject('VerifyFlags', {}, { json: t.boolean, batchSize: DigitString });

/** Audit: `state-at`, `verify`, `export`, `import`. */
export const registerAudit: Register = (program, io) => {
  subcommand(program, 'state-at', 'print the task document as it was at a revision or a moment')
    .argument('<id>', 'task id')
    .option('--revision <n>', 'after the event at this revision (0 is the creation)')
    .option('--at <iso-time>', 'after the last event at or before this time')
    .action(async (id: string, _opts: unknown, command: Program) => {
      const { revision, at } = decodeFlags(StateAtFlags, command);
      if ((revision === undefined) === (at === undefined))
        throw invalidRequest('give exactly one of --revision and --at', 'revision');
      const query = revision !== undefined ? { revision } : { at: at ?? '' };
      io.out(toJson(await withEngine(command, (engine) => engine.stateAt(id, query)), 2) + '\n');
    });

  subcommand(
    program,
    'verify',
    'check the whole log: revisions, hash chains, and every status change against the machine',
  )
    .option('--json', 'print the report as JSON even on a terminal')
    .option('--batch-size <n>', 'events read at once (default 1000)')
    .action(async (_opts: unknown, command: Program) => {
      const flags = decodeFlags(VerifyFlags, command);
      // The bar goes to stderr, so only when stderr is a terminal of this very process.
      const bar =
        io === processIo && process.stderr.isTTY === true ? verifyProgressBar(process.stderr) : undefined;
      const report = await withEngine(command, (engine) =>
        engine.verify({
          ...(flags.batchSize === undefined ? {} : { batchSize: Number(flags.batchSize) }),
          ...(bar === undefined ? {} : { onProgress: bar.update, progressEvery: 5_000 }),
        }),
      ).finally(() => bar?.stop());
      io.out((io.isTerminal && flags.json !== true ? verifySummary(report) : toJson(report, 2)) + '\n');
      if (!report.ok) throw new ExitCode(1);
    });

  registerExportImport(program, io);
};
