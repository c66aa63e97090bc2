import type { TaskEventEnvelope, TaskEventType } from './events';
import { isStatusChange, statusChangeEventTypes } from './events';
import type { Status } from './status';
import type { Target } from './machine';

/** Where an event took its task: status events carry from/to; a delete records the status it left. */
export type StatusMove = { readonly from: Status; readonly to: Target; readonly forced: boolean };

export const statusMoveOf = (event: TaskEventEnvelope): StatusMove | undefined => {
  if (isStatusChange(event))
    return { from: event.data.from, to: event.data.to, forced: event.data.forced === true };
  if (event.type === 'TaskDeleted')
    return { from: event.data.status, to: 'deleted', forced: event.data.forced === true };
  return undefined;
};

/** The event types that move a task, deletion included: what a status-change subscriber reads. */
export const statusMoveEventTypes: readonly TaskEventType[] = [...statusChangeEventTypes, 'TaskDeleted'];
