import * as t from 'io-ts';
import { hostname } from 'node:os';
import type { Command as Program } from 'commander';
import { strictObject, NonEmptyString } from '../../domain/decode';
import { isTaskledgerError } from '../../domain/errors';
import { OnClose } from '../../engine/workers/workerOptions';
import { subcommand, withEngine, Register } from './cliContext';
import { decodeFlags, CommaList } from './flags';
import { numberish } from './options';
import { toJson } from './json';
import { processIo } from './io';
import { execHandler } from './execTask';

const Positive = t.refinement(t.number, (n) => Number.isFinite(n) && n > 0, 'a positive number');
const PositiveInteger = t.refinement(t.number, (n) => Number.isSafeInteger(n) && n > 0, 'a positive integer');

const WorkerFlags = strictObject(
  'WorkerFlags',
  { queue: CommaList, exec: NonEmptyString },
  { id: NonEmptyString, concurrency: PositiveInteger, heartbeat: Positive, onClose: OnClose },
);

const messageOf = (error: unknown) =>
  isTaskledgerError(error)
    ? error.toJSON()
    : { message: error instanceof Error ? error.message : String(error) };

/**
 * `worker --queue Q --exec "command"`: claims tasks from the queues and runs the command for each,
 * until SIGINT or SIGTERM (then it finishes or hands back its tasks, per --on-close). Prints a
 * JSON line as each task ends, and the worker's counts at the end.
 */
export const registerWorker: Register = (program, io) => {
  subcommand(program, 'worker', 'claim queued tasks and run a shell command for each (until Ctrl-C)')
    .requiredOption('--queue <names>', 'the queues to take tasks from (comma-separated)')
    .requiredOption(
      '--exec <command>',
      'shell command per task; env TASK_ID, TASK_NAME, TASK_PARAM_<name>; stdout lines "metric <name> <variant> <value> [iteration]" and "progress <n> [step]" are reported, others logged',
    )
    .option('--id <id>', 'worker id (default: <host>-<pid>)')
    .option('--concurrency <n>', 'tasks run at once', numberish)
    .option('--heartbeat <seconds>', 'ping interval while a task runs (default 30)', numberish)
    .option(
      '--on-close <finish|requeue>',
      'on Ctrl-C: finish running tasks (default) or stop and re-queue them',
    )
    .action(async (_opts: unknown, command: Program) => {
      const flags = decodeFlags(WorkerFlags, command);
      const id = flags.id ?? `${hostname()}-${process.pid}`;
      await withEngine(command, async (engine) => {
        const worker = engine.worker({
          id,
          queues: flags.queue,
          ...(flags.concurrency === undefined ? {} : { concurrency: flags.concurrency }),
          ...(flags.heartbeat === undefined ? {} : { heartbeatMs: Math.round(flags.heartbeat * 1000) }),
          ...(flags.onClose === undefined ? {} : { onClose: flags.onClose }),
          onError: (error, task) =>
            io.err(toJson({ warning: { worker: id, task, ...messageOf(error) } }) + '\n'),
          onRunEnded: (task, ending) => io.out(toJson({ task, ending, worker: id }) + '\n'),
        });
        const close = () => void worker.close();
        if (io === processIo) process.once('SIGINT', close).once('SIGTERM', close);
        try {
          const stats = await worker.run(execHandler({ command: flags.exec }));
          io.out(toJson({ worker: id, stats }) + '\n');
        } finally {
          process.off('SIGINT', close).off('SIGTERM', close);
        }
      });
    });
};
