import type { RecordedEvent } from '../ports/eventStore';
import { decodeStoredEvent } from '../domain/events';
import type { ProjectedEvent } from './projection';
import { isTaskStream, taskIdOf } from './foldBatch';

/** Decodes the task events of a batch; a corrupt one throws `corrupt_event` with its position. */
export const toProjectedEvents = (recorded: readonly RecordedEvent[]): ProjectedEvent[] =>
  recorded
    .filter((e) => isTaskStream(e.streamName))
    .map((e) => ({
      ...decodeStoredEvent(e),
      taskId: taskIdOf(e.streamName),
      revision: e.revision,
      position: e.position,
    }));
