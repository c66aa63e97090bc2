import * as t from 'io-ts';
import type { Command as Program } from 'commander';
import { strictObject } from '../../domain/decode';
import { subcommand, withEngine, Register } from './cliContext';
import { decodeFlags } from './flags';
import { numberish } from './options';
import { toJson } from './json';
import { processIo } from './io';

const Positive = t.refinement(t.number, (n) => Number.isFinite(n) && n > 0, 'a positive number');

const WatchdogFlags = strictObject(
  'WatchdogFlags',
  {},
  { threshold: Positive, interval: Positive, once: t.boolean, requeue: t.boolean },
);

const ms = (seconds: number | undefined) =>
  seconds === undefined ? undefined : Math.max(1, Math.round(seconds * 1000));

/**
 * `watchdog`: stops in_progress tasks silent for longer than --threshold (status-rules.md,
 * Liveness), one pass now and one every --interval until Ctrl-C, a JSON report per pass;
 * `--once` makes one pass and exits.
 */
export const registerWatchdog: Register = (program, io) => {
  subcommand(program, 'watchdog', 'stop in_progress tasks whose worker went silent')
    .option('--threshold <seconds>', 'silence after which a task is stopped (default 7200)', numberish)
    .option('--interval <seconds>', 'time between passes (default 900)', numberish)
    .option('--once', 'one pass, then exit')
    .option('--requeue', 'queue each stopped task again, in the queue it was in')
    .action(async (_opts: unknown, command: Program) => {
      const flags = decodeFlags(WatchdogFlags, command);
      const thresholdMs = ms(flags.threshold);
      const intervalMs = ms(flags.interval);
      await withEngine(command, async (engine) => {
        const watchdog = engine.watchdog({
          ...(thresholdMs === undefined ? {} : { thresholdMs }),
          ...(intervalMs === undefined ? {} : { intervalMs }),
          ...(flags.requeue === true ? { requeue: true } : {}),
        });
        if (flags.once === true) {
          io.out(toJson(await watchdog.runOnce()) + '\n');
          return;
        }
        const stopped = new Promise<void>((resolve) => {
          if (io === processIo) process.once('SIGINT', resolve).once('SIGTERM', resolve);
        });
        watchdog.start(
          (report) => io.out(toJson(report) + '\n'),
          (error) =>
            io.err(
              toJson({ warning: { message: error instanceof Error ? error.message : String(error) } }) + '\n',
            ),
        );
        await stopped;
        await watchdog.stop();
      });
    });
};
