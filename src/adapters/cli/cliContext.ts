import { Command as Program, Option } from 'commander';
import { openEngine } from '../../openEngine';
import type { Engine } from '../../engine/engine';
import type { Io } from './io';

/** Options every subcommand accepts, before or after the subcommand name. */
export type GlobalOptions = { store?: string; actor?: string };

export const globalOptions = () => [
  new Option(
    '--store <url>',
    'event store: sqlite:<path>, postgres://…, esdb://…, memory: (env TASKLEDGER_STORE)',
  ),
  new Option('--actor <name>', 'who acts (default: the OS user)'),
];

/** A subcommand with the global options attached, so they may follow its name too. */
export const subcommand = (program: Program, name: string, description: string): Program => {
  const sub = program.command(name).description(description);
  for (const option of globalOptions()) sub.addOption(option);
  return sub;
};

/** Opens the engine the global options name, runs `run`, and always closes it. */
export const withEngine = async <T>(command: Program, run: (engine: Engine) => Promise<T>): Promise<T> => {
  const globals = command.optsWithGlobals<GlobalOptions>();
  const engine = await openEngine({
    ...(globals.store === undefined ? {} : { store: globals.store }),
    ...(globals.actor === undefined ? {} : { actor: globals.actor }),
  });
  try {
    return await run(engine);
  } finally {
    await engine.close();
  }
};

/** What a group of subcommands needs to register itself. */
export type Register = (program: Program, io: Io) => void;
