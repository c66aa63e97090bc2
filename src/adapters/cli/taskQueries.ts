import type { Command as Program } from 'commander';
import { subcommand, withEngine, Register } from './cliContext';
import { historyTable } from './historyTable';
import { toJson } from './json';
import { decodeFlags } from './flags';
import { HistoryFlags, historyQueryOf } from './historyFlags';

/** Reading tasks: `get`, `history`. */
export const registerTaskQueries: Register = (program, io) => {
  subcommand(program, 'get', 'print the task document')
    .argument('<id>', 'task id')
    .action(async (id: string, _opts: unknown, command: Program) => {
      io.out(toJson(await withEngine(command, (engine) => engine.get(id)), 2) + '\n');
    });

  subcommand(
    program,
    'history',
    'print the task’s events with metadata (a table on a terminal, JSON otherwise)',
  )
    .argument('<id>', 'task id')
    .option('--json', 'print JSON even on a terminal')
    .option('--type <a,b>', 'only these event types')
    .option('--since <iso-time>', 'only events at or after this time')
    .option('--until <iso-time>', 'only events at or before this time')
    .action(async (id: string, opts: { json?: boolean }, command: Program) => {
      const query = historyQueryOf(decodeFlags(HistoryFlags, command));
      const history = await withEngine(command, (engine) => engine.history(id, query));
      io.out((io.isTerminal && opts.json !== true ? historyTable(history) : toJson(history, 2)) + '\n');
    });
};
