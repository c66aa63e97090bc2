import type { TaskEventType } from '../../domain/events';
import type { MachineCommand } from '../../domain/machine';

/**
 * The commands that can have recorded each event type: what `verify` asks the transition table
 * about. `TaskStopped` comes from `stop` (no live worker) or from the worker's own `stopped`.
 * `TaskCreated` has no command in the machine: it is checked as "first event of its stream".
 */
export const commandsOf: { readonly [K in TaskEventType]: readonly MachineCommand[] } = {
  TaskCreated: [],
  TaskEdited: ['edit'],
  TaskUpdated: ['update'],
  TaskEnqueued: ['enqueue'],
  TaskDequeued: ['dequeue'],
  TaskStarted: ['started'],
  TaskStopRequested: ['stop'],
  TaskStopped: ['stop', 'stopped'],
  TaskFailed: ['failed'],
  TaskCompleted: ['completed'],
  TaskPublished: ['publish'],
  TaskClosed: ['close'],
  TaskReset: ['reset'],
  TaskArchived: ['archive'],
  TaskDeleted: ['delete'],
  TaskPinged: ['ping'],
  MetricsReported: ['report_metrics'],
  ProgressReported: ['report_progress'],
  ExecutionReported: ['report_execution'],
  ArtifactsAdded: ['add_artifacts'],
};
