import type { EventToAppend, RecordedEvent, AppendResult } from '../../ports/eventStore';
import type { ExpectedRevision } from '../../ports/expectedRevision';
import { eventIdConflict } from '../../ports/storeErrors';

/**
 * A retried append: when the first event's id is already stored in this stream, the batch was
 * appended before. If every id sits at the place the retry asks for, answer as the first time;
 * otherwise it is a different event under a used id, a conflict. Returns undefined for a new batch.
 */
export const idempotentResult = (
  stream: string,
  events: readonly EventToAppend[],
  expected: ExpectedRevision,
  lookup: (id: string) => Pick<RecordedEvent, 'streamName' | 'revision' | 'position' | 'type'> | undefined,
): AppendResult | undefined => {
  const first = events[0];
  if (first === undefined) return undefined;
  const stored = lookup(first.id);
  if (stored === undefined) return undefined;
  if (stored.streamName !== stream) throw eventIdConflict(stream, first.id);
  if (typeof expected === 'bigint' && stored.revision !== expected + 1n)
    throw eventIdConflict(stream, first.id);
  if (expected === 'no_stream' && stored.revision !== 0n) throw eventIdConflict(stream, first.id);
  let last = stored;
  for (const [i, event] of events.entries()) {
    const found = lookup(event.id);
    if (
      found === undefined ||
      found.streamName !== stream ||
      found.revision !== stored.revision + BigInt(i) ||
      found.type !== event.type
    ) {
      throw eventIdConflict(stream, event.id);
    }
    last = found;
  }
  return { nextExpectedRevision: last.revision, position: last.position };
};
