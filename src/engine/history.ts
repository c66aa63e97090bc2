import type { EventStore } from '../ports/eventStore';
import type { EventMetadata, TaskEventEnvelope } from '../domain/events';
import { streamNameOf } from '../domain/task';
import { decodeRecorded } from './taskStreams';

/** One entry of a task's history: what happened, where it sits, who did it, when and why. */
export type HistoryEntry = {
  readonly revision: bigint;
  readonly position: bigint;
  readonly id: string;
  readonly type: TaskEventEnvelope['type'];
  readonly data: TaskEventEnvelope['data'];
  readonly metadata: EventMetadata;
};

/** The task's events in order, decoded; a deleted task's history stays readable. */
export const readHistory = async (store: EventStore, id: string): Promise<HistoryEntry[]> => {
  const entries: HistoryEntry[] = [];
  for await (const recorded of store.readStream(streamNameOf(id))) {
    const event = decodeRecorded(recorded);
    entries.push({
      revision: recorded.revision,
      position: recorded.position,
      id: recorded.id,
      type: event.type,
      data: event.data,
      metadata: event.metadata,
    });
  }
  return entries;
};
