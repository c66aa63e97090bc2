import * as t from 'io-ts';
import type { Command as Program } from 'commander';
import { strictObject, NonEmptyString } from '../../domain/decode';
import type { SubscribeOptions } from '../../engine/subscriptions/subscribeOptions';
import type { SubscriptionItem } from '../../engine/subscriptions/subscriptionItem';
import { subcommand, withEngine, Register } from './cliContext';
import { decodeFlags, CommaList } from './flags';
import { toJson } from './json';
import { processIo } from './io';

const TailFlags = strictObject(
  'TailFlags',
  {},
  {
    from: t.union([
      t.literal('start'),
      t.literal('end'),
      t.refinement(t.string, (s) => /^\d+$/.test(s), 'a position'),
    ]),
    status: CommaList,
    fromStatus: CommaList,
    type: CommaList,
    project: CommaList,
    tree: NonEmptyString,
    name: NonEmptyString,
    all: t.boolean,
    json: t.boolean,
    follow: t.boolean,
  },
);
type TailFlags = t.TypeOf<typeof TailFlags>;

const subscribeOptions = (flags: TailFlags, signal: AbortSignal): SubscribeOptions => {
  const from =
    flags.from === undefined || flags.from === 'start' || flags.from === 'end'
      ? flags.from
      : { after: flags.from };
  const filter = {
    ...(flags.status === undefined ? {} : { to: flags.status }),
    ...(flags.fromStatus === undefined ? {} : { from: flags.fromStatus }),
    ...(flags.type === undefined ? {} : { types: flags.type }),
    ...(flags.project === undefined ? {} : { projects: flags.project }),
    ...(flags.tree === undefined ? {} : { taskTree: flags.tree }),
  };
  return {
    signal,
    ...(from === undefined ? {} : { from }),
    ...(flags.name === undefined ? {} : { name: flags.name }),
    ...(flags.all === true ? { events: 'all' as const } : {}),
    ...(Object.keys(filter).length === 0 ? {} : { filter }),
  };
};

/** One line per item for a person watching. */
const line = (item: SubscriptionItem): string => {
  switch (item.kind) {
    case 'caughtUp':
      return `-- caught up at position ${item.position}; following --`;
    case 'change': {
      const why = item.reason === undefined ? '' : `  "${item.reason}"`;
      return `${item.position}  ${item.at}  ${item.taskId}  ${item.from} → ${item.to}  ${item.event}${item.forced ? ' (forced)' : ''}  by ${item.actor}${why}`;
    }
    case 'event':
      return `${item.position}  ${item.metadata.at}  ${item.taskId}  ${item.type}  by ${item.metadata.actor}`;
  }
};

/** `tail`: status changes as they happen, until Ctrl-C (or, with --no-follow, until caught up). */
export const registerTail: Register = (program, io) => {
  subcommand(
    program,
    'tail',
    'print status changes as they happen (one line each on a terminal, JSON lines otherwise)',
  )
    .option(
      '--from <start|end|position>',
      'where to begin: start (default), end, or after a position printed before',
    )
    .option('--status <a,b>', 'only changes to these statuses (deleted included)')
    .option('--from-status <a,b>', 'only changes from these statuses')
    .option('--type <a,b>', 'only these event types')
    .option('--project <a,b>', 'only tasks in these projects')
    .option('--tree <id>', 'only this task and its descendants')
    .option(
      '--name <name>',
      'a durable subscriber: resume where this name stopped, and checkpoint as it goes',
    )
    .option('--all', 'every task event, not only status changes')
    .option('--json', 'JSON lines even on a terminal')
    .option('--no-follow', 'stop once caught up instead of waiting for new changes')
    .action(async (_opts: unknown, command: Program) => {
      const flags = decodeFlags(TailFlags, command);
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      // Ctrl-C ends the loop; the engine closes and the process exits 0, a checkpoint already stored.
      if (io === processIo) process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
      try {
        await withEngine(command, async (engine) => {
          const human = io.isTerminal && flags.json !== true;
          for await (const item of engine.subscribe(subscribeOptions(flags, stop.signal))) {
            const caughtUp = item.kind === 'caughtUp';
            if (!human) io.out(toJson(item) + '\n');
            else if (!caughtUp || flags.follow !== false) (caughtUp ? io.err : io.out)(line(item) + '\n');
            // Stopping by the signal, not by leaving the loop: the next pull then ends the
            // subscription and tells a named subscriber that everything printed was handled.
            if (caughtUp && flags.follow === false) stop.abort();
          }
        });
      } finally {
        process.removeListener('SIGINT', onSignal).removeListener('SIGTERM', onSignal);
      }
    });
};
