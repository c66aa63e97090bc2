import type { EventStore, EventToAppend } from '../../src/ports/eventStore';
import type { TaskEvent, StatusChange } from '../../src/domain/events';
import type { Status } from '../../src/domain/status';
import { hashEvent, GENESIS_HASH } from '../../src/engine/hashChain';
import { eventIdFor } from '../../src/engine/eventIds';

/** One hand-written event: what happened, and when (seconds after T0). */
export type HandEvent = TaskEvent & {
  readonly atSecond: number;
  readonly actor?: string;
  readonly reason?: string;
};

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
export const atSecond = (s: number) => new Date(T0 + s * 1000).toISOString();

/**
 * Events written by hand with their metadata and hash chain, as the engine would have written
 * them: for tests that must not depend on `decide` (audit looks at histories, not commands).
 */
export const handBuiltEvents = (
  id: string,
  events: readonly HandEvent[],
  previousHash = GENESIS_HASH,
): EventToAppend[] => {
  let previous = previousHash;
  return events.map(({ atSecond: s, actor = 'alice', reason, ...event }, i) => {
    const metadata = {
      commandId: `${id}-hand-${s}-${i}`,
      actor,
      at: atSecond(s),
      schemaVersion: 1,
      ...(reason === undefined ? {} : { reason }),
    };
    const hash = hashEvent(previous, { type: event.type, data: event.data, metadata });
    previous = hash;
    return {
      id: eventIdFor(metadata.commandId, i),
      type: event.type,
      data: event.data,
      metadata: { ...metadata, hash },
    };
  });
};

export const appendHandBuilt = async (store: EventStore, id: string, events: readonly HandEvent[]) =>
  store.appendToStream(`task-${id}`, handBuiltEvents(id, events), { expectedRevision: 'no_stream' });

/** The data every status-change event carries. */
export const change = (from: Status, to: Status, forced = false): StatusChange => ({
  from,
  to,
  status_reason: '',
  status_message: '',
  ...(forced ? { forced: true as const } : {}),
});
