import { open } from 'node:fs/promises';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Command as Program } from 'commander';
import { strictObject, NonEmptyString } from '../../domain/decode';
import { invalidRequest } from '../../domain/errors';
import { subcommand, withEngine } from './cliContext';
import { decodeFlags, CommaList } from './flags';
import { toJson } from './json';
import type { Io } from './io';

const ExportFlags = strictObject('ExportFlags', {}, { ids: CommaList, out: NonEmptyString });
const ImportFlags = strictObject('ImportFlags', {}, { in: NonEmptyString });

/** Opens a file the user named; a path we cannot open is their mistake, named by its flag. */
const openFile = async (path: string, flags: 'r' | 'w', flag: string) => {
  try {
    return await open(path, flags);
  } catch (error) {
    throw invalidRequest(
      `cannot open ${flag} ${path}: ${error instanceof Error ? error.message : String(error)}`,
      flag.slice(2),
    );
  }
};

/** Writes lines to a file, waiting when the file falls behind, so a large export holds a batch, not the log. */
const writeLines = async (path: string, lines: AsyncIterable<string>) => {
  const file = (await openFile(path, 'w', '--out')).createWriteStream();
  try {
    for await (const line of lines) {
      if (!file.write(line + '\n')) await once(file, 'drain');
    }
  } finally {
    file.end();
    await once(file, 'close');
  }
};

/**
 * Lines of a stream, read only once the import pulls them: a readline interface made earlier
 * would emit lines (and close) while the engine is still opening, with nobody listening.
 */
async function* linesOf(input: NodeJS.ReadableStream): AsyncIterable<string> {
  yield* createInterface({ input, crlfDelay: Infinity });
}

/** `export` and `import`: histories as JSON lines, between stores (`… export | taskledger --store … import`). */
export const registerExportImport = (program: Program, io: Io) => {
  subcommand(program, 'export', 'write task histories as JSON lines, one event per line (stdout or --out)')
    .option('--ids <a,b>', 'only these tasks (default: every task, in log order)')
    .option('--out <file>', 'write to this file instead of stdout')
    .action(async (_opts: unknown, command: Program) => {
      const { ids, out } = decodeFlags(ExportFlags, command);
      await withEngine(command, async (engine) => {
        const lines = engine.exportHistory(ids === undefined ? {} : { ids });
        if (out !== undefined) return writeLines(out, lines);
        for await (const line of lines) io.out(line + '\n');
      });
    });

  subcommand(
    program,
    'import',
    'load exported JSON lines into the store, keeping ids (stdin or --in); safe to repeat',
  )
    .option('--in <file>', 'read this file instead of stdin')
    .action(async (_opts: unknown, command: Program) => {
      const flags = decodeFlags(ImportFlags, command);
      const file = flags.in === undefined ? undefined : await openFile(flags.in, 'r', '--in');
      const result = await withEngine(command, (engine) =>
        engine.importHistory(linesOf(file?.createReadStream() ?? process.stdin)),
      );
      io.out(toJson(result) + '\n');
    });
};
