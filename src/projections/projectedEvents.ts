import type { RecordedEvent } from '../ports/eventStore';
import { decodeStoredEvent } from '../domain/events';
import type { ProjectedEvent } from './projection';
import { isTaskStream, taskIdOf } from './foldBatch';

/** Decodes one task event and places it: its task, revision and position. */
const toProjectedEvent = (recorded: RecordedEvent): ProjectedEvent => {
  const { type, data, metadata } = decodeStoredEvent(recorded);
  // Fields named one by one, not spread: spreading the recorded event (bigints and all) cost
  // more than decoding it. `type` and `data` come from one decoded envelope, so they match.
  return {
    type,
    data,
    metadata,
    taskId: taskIdOf(recorded.streamName),
    revision: recorded.revision,
    position: recorded.position,
  } as ProjectedEvent;
};

/** Decodes the task events of a batch; a corrupt one throws `corrupt_event` with its position. */
export const toProjectedEvents = (recorded: readonly RecordedEvent[]): ProjectedEvent[] => {
  const events: ProjectedEvent[] = [];
  for (const e of recorded) if (isTaskStream(e.streamName)) events.push(toProjectedEvent(e));
  return events;
};
