import type { TaskState } from '../../domain/taskState';
import type { Clock } from '../clock';
import type { CommandData, CommandType } from '../../domain/commands';
import type { CommandOptions } from '../handleCommand';
import type { CommandResult } from '../commandResult';
import type { QueryMethods } from '../queries/queryMethods';
import type { SubscriptionMethods } from '../subscriptions/subscriptionMethods';

type Send<K extends CommandType> = (data: CommandData<K>, options?: CommandOptions) => Promise<CommandResult>;

/** The part of the engine workers and watchdogs drive: a few commands, `list` and `subscribe`. */
export type WorkerEngine = {
  readonly started: Send<'started'>;
  readonly ping: Send<'ping'>;
  readonly reportMetrics: Send<'report_metrics'>;
  readonly reportProgress: Send<'report_progress'>;
  readonly reportExecution: Send<'report_execution'>;
  readonly addArtifacts: Send<'add_artifacts'>;
  readonly completed: Send<'completed'>;
  readonly failed: Send<'failed'>;
  readonly stopped: Send<'stopped'>;
  readonly enqueue: Send<'enqueue'>;
  readonly list: QueryMethods['list'];
  readonly subscribe: SubscriptionMethods['subscribe'];
};

/** A task folded from its own stream, with the revision a compare-and-set append expects. */
export type LoadedTaskState = { readonly state: TaskState; readonly revision: bigint | undefined };

export type WorkerDeps = {
  readonly engine: WorkerEngine;
  /**
   * Reads the task's stream (only the events since the engine last folded it): the truth a
   * claim or a watchdog decision is checked against, where the read models may lag.
   */
  readonly loadTask: (id: string) => Promise<LoadedTaskState>;
  /**
   * The task as this engine last folded it, without reading: possibly stale, so only for an
   * append whose revision check catches that (a conflict sends the caller to `loadTask`).
   */
  readonly lastSeenTask?: (id: string) => LoadedTaskState | undefined;
  readonly clock: Clock;
};
