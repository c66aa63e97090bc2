import type { Command as Program } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { subcommand, withEngine, Register } from './cliContext';
import { list } from './options';
import { toJson } from './json';

/** `rebuild [--projection N]`: drops read models and folds the whole log again, with a progress bar. */
export const registerRebuild: Register = (program, io) => {
  subcommand(program, 'rebuild', 'rebuild read models from the event log')
    .option(
      '--projection <names>',
      'task_index, executions, last_metrics, task_tree (comma-separated; default all)',
      list,
    )
    .option('--json', 'print the result as JSON, without a progress bar')
    .action(async (flags: { projection?: string[]; json?: boolean }, command: Program) => {
      const bar =
        flags.json !== true && process.stderr.isTTY === true
          ? new SingleBar(
              {
                format: 'rebuild |{bar}| {percentage}% {value}/{total} positions  {events} events',
                hideCursor: true,
              },
              Presets.shades_classic,
            )
          : undefined;
      const started = process.hrtime.bigint();
      const result = await withEngine(command, (engine) =>
        engine.rebuild(flags.projection, (p) => {
          if (bar === undefined) return;
          if (bar.getTotal() !== Number(p.head)) bar.start(Number(p.head), 0, { events: 0 });
          bar.update(Number(p.position), { events: p.events });
        }),
      );
      bar?.stop();
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      io.out(
        toJson({
          ...result,
          seconds: Number(seconds.toFixed(3)),
          eventsPerSecond: Math.round(result.events / seconds),
        }) + '\n',
      );
    });
};
