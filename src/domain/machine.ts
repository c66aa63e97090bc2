import { setup, and } from 'xstate';
import type { CommandType } from './commands';
import type { Status } from './status';

/** Where a command may take a task: a status, or out of existence. */
export type Target = Status | 'deleted';
/** Every command but `create`, which makes the task the machine then governs. */
export type MachineCommand = Exclude<CommandType, 'create'>;

/**
 * What the machine is asked: may `type` take the task to `to`? Commands whose target depends on
 * the task (dequeue, archive, stop) say which target they computed; `force` skips the table;
 * `archived` is the one fact about the task a transition depends on (delete).
 */
export type MachineEvent = { type: MachineCommand; to: Target; force: boolean; archived: boolean };

const targetIs = (to: Target) => ({ type: 'targetIs', params: { to } }) as const;
const stateId = (to: Target) => (to === 'deleted' ? '#task.deleted' : `#task.live.${to}`);
/** Allowed without force. */
const go = (to: Target) => ({ target: stateId(to), guard: targetIs(to) });
/** Allowed only with force: ClearML's `force: true` skips the table. */
const force = (to: Target) => ({ target: stateId(to), guard: and(['forced', targetIs(to)]) });

/** Commands that keep the status and are allowed in every status a task can be in. */
const anyStatus = (self: Status) => ({
  update: go(self),
  ping: go(self),
  archive: go(self),
  edit: force(self),
});

/**
 * The status rules (reference/status-rules.md) and nothing else: the single source of truth for
 * which command may move a task from which status to which. `decide` reads it through the table
 * derived in transitionTable.ts; the CLI prints it as a Mermaid diagram.
 */
export const taskMachine = setup({
  types: { events: {} as MachineEvent },
  guards: {
    targetIs: ({ event }, params: { to: Target }) => event.to === params.to,
    forced: ({ event }) => event.force,
    archived: ({ event }) => event.archived,
  },
}).createMachine({
  id: 'task',
  initial: 'live',
  states: {
    live: {
      initial: 'created',
      // With force any status may move to the command's target (state-level rules win first).
      on: {
        enqueue: force('queued'),
        started: force('in_progress'),
        stop: force('stopped'),
        stopped: force('stopped'),
        failed: force('failed'),
        completed: force('completed'),
        close: force('closed'),
        publish: force('published'),
        reset: force('created'),
        // An archived task may be deleted from any status.
        delete: [
          { target: stateId('deleted'), guard: and(['archived', targetIs('deleted')]) },
          force('deleted'),
        ],
      },
      states: {
        created: {
          on: {
            ...anyStatus('created'),
            edit: go('created'),
            enqueue: go('queued'),
            started: go('in_progress'),
            reset: go('created'),
            delete: go('deleted'),
            report_metrics: go('created'),
            add_artifacts: go('created'),
          },
        },
        queued: {
          on: {
            ...anyStatus('queued'),
            enqueue: go('queued'),
            dequeue: [go('created'), go('stopped'), go('failed')],
            started: go('in_progress'),
            stop: go('stopped'),
            stopped: go('stopped'),
            reset: go('created'),
            archive: [go('created'), go('stopped'), go('failed')],
            report_metrics: go('queued'),
            add_artifacts: go('queued'),
            report_progress: go('queued'),
            report_execution: go('queued'),
          },
        },
        in_progress: {
          on: {
            ...anyStatus('in_progress'),
            started: go('in_progress'),
            // A stop request leaves the task running until its worker reports `stopped`.
            stop: [go('stopped'), go('in_progress')],
            stopped: go('stopped'),
            failed: go('failed'),
            completed: go('completed'),
            reset: go('created'),
            archive: go('stopped'),
            report_metrics: go('in_progress'),
            add_artifacts: go('in_progress'),
            report_progress: go('in_progress'),
            report_execution: go('in_progress'),
          },
        },
        stopped: {
          on: {
            ...anyStatus('stopped'),
            enqueue: go('queued'),
            started: go('in_progress'),
            stop: go('stopped'),
            stopped: go('stopped'),
            failed: go('failed'),
            completed: go('completed'),
            close: go('closed'),
            publish: go('published'),
            reset: go('created'),
            report_metrics: go('stopped'),
          },
        },
        failed: {
          on: {
            ...anyStatus('failed'),
            enqueue: go('queued'),
            stop: go('stopped'),
            stopped: go('stopped'),
            failed: go('failed'),
            publish: go('published'),
            reset: go('created'),
            report_metrics: go('failed'),
          },
        },
        completed: {
          on: {
            ...anyStatus('completed'),
            started: go('in_progress'),
            completed: go('completed'),
            publish: go('published'),
            reset: go('created'),
            report_metrics: go('completed'),
          },
        },
        closed: {
          on: {
            ...anyStatus('closed'),
            stop: go('stopped'),
            stopped: go('stopped'),
            failed: go('failed'),
            close: go('closed'),
            publish: go('published'),
            reset: go('created'),
            report_metrics: go('closed'),
          },
        },
        // Terminal: only update, ping and archive, or a forced command.
        published: { on: anyStatus('published') },
      },
    },
    deleted: { type: 'final' },
  },
});
