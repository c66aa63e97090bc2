import type { RecordedEvent } from '../../ports/eventStore';
import type { EventMetadata, TaskEventEnvelope, TaskEventType } from '../../domain/events';
import type { Status } from '../../domain/status';
import { statusMoveOf } from '../../domain/statusMove';
import type { Target } from '../../domain/machine';
import { TASK_STREAM_PREFIX } from '../../domain/task';

/** A task's status moved (or was re-asserted), or the task was deleted (`to: 'deleted'`). */
export type StatusChangeItem = {
  readonly kind: 'change';
  readonly taskId: string;
  readonly from: Status;
  readonly to: Target;
  /** The event type that recorded the change. */
  readonly event: TaskEventType;
  /** Store it and resume with `{ from: { after: position } }` to get exactly the next change. */
  readonly position: bigint;
  readonly revision: bigint;
  readonly at: string;
  readonly actor: string;
  readonly reason?: string;
  readonly forced?: true;
};

/** Any task event, for `events: 'all'`. */
export type TaskEventItem = {
  readonly kind: 'event';
  readonly taskId: string;
  readonly type: TaskEventType;
  readonly data: TaskEventEnvelope['data'];
  readonly metadata: EventMetadata;
  readonly position: bigint;
  readonly revision: bigint;
};

/** Everything up to `position` has been delivered; what follows is live. */
export type CaughtUpItem = { readonly kind: 'caughtUp'; readonly position: bigint };

export type SubscriptionItem = StatusChangeItem | TaskEventItem | CaughtUpItem;

export const taskIdOf = (recorded: RecordedEvent): string =>
  recorded.streamName.slice(TASK_STREAM_PREFIX.length);

export const toChangeItem = (
  recorded: RecordedEvent,
  event: TaskEventEnvelope,
): StatusChangeItem | undefined => {
  const move = statusMoveOf(event);
  if (move === undefined) return undefined;
  const reason = event.metadata.reason;
  return {
    kind: 'change',
    taskId: taskIdOf(recorded),
    from: move.from,
    to: move.to,
    event: event.type,
    position: recorded.position,
    revision: recorded.revision,
    at: event.metadata.at,
    actor: event.metadata.actor,
    ...(reason === undefined || reason === '' ? {} : { reason }),
    ...(move.forced ? { forced: true as const } : {}),
  };
};

export const toEventItem = (recorded: RecordedEvent, event: TaskEventEnvelope): TaskEventItem => ({
  kind: 'event',
  taskId: taskIdOf(recorded),
  type: event.type,
  data: event.data,
  metadata: event.metadata,
  position: recorded.position,
  revision: recorded.revision,
});
