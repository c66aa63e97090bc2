import { Command as Program, Option } from 'commander';
import { commandSpecs, shapeData, kebab, CommandSpec } from './commandSpecs';
import { subcommand, withEngine, Register } from './cliContext';
import { toJson } from './json';
import type { Io } from './io';

const addTaskCommand = (program: Program, spec: CommandSpec, io: Io) => {
  const sub = subcommand(program, kebab(spec.command), spec.description);
  if (spec.command !== 'create') sub.argument('<id>', 'task id');
  for (const option of spec.options) {
    const cliOption = new Option(option.flags, option.description);
    if (option.parse) cliOption.argParser(option.parse as (value: string, previous: unknown) => unknown);
    sub.addOption(cliOption);
  }
  sub.action(async (...args: unknown[]) => {
    const command = args[args.length - 1] as Program;
    const opts = command.opts<Record<string, unknown>>();
    const fields: Record<string, unknown> = spec.command === 'create' ? {} : { id: args[0] };
    for (const option of spec.options) {
      const value = opts[new Option(option.flags).attributeName()];
      if (value !== undefined) fields[option.field] = value;
    }
    const reason = typeof opts['reason'] === 'string' ? { reason: opts['reason'] } : {};
    const data = shapeData(spec.command, fields);
    const result = await withEngine(command, (engine) => engine.execute(spec.command, data, reason));
    io.out(toJson(result) + '\n');
  });
};

/** One subcommand per engine command: `create`, `enqueue`, `report-metrics`, … */
export const registerTaskCommands: Register = (program, io) => {
  for (const spec of commandSpecs) addTaskCommand(program, spec, io);
};
