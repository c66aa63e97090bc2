import type { RecordedEvent } from '../../ports/eventStore';

/**
 * The most recent live events, at most `capacity` of them: what the hub shares with every
 * subscriber. Each event gets a sequence number, so a reader that was slow can tell the event it
 * wants next has been overwritten (and go back to the store for it).
 *
 * Invariant once `covered` is set: every task event with position in (floor, covered] is held.
 */
export type LiveRing = {
  push(event: RecordedEvent): void;
  /** The subscription says nothing else exists up to `position` (its caught-up marker). */
  cover(position: bigint): void;
  readonly covered: bigint | undefined;
  readonly floor: bigint;
  /** The sequence number of the oldest event held; equal to `nextSeq` when empty. */
  readonly oldestSeq: number;
  readonly nextSeq: number;
  at(seq: number): RecordedEvent | undefined;
  /** The sequence number of the first held event after `position` (`nextSeq` when none). */
  firstAfter(position: bigint): number;
  readonly size: number;
  readonly capacity: number;
};

export const getLiveRing = (capacity: number): LiveRing => {
  if (!Number.isSafeInteger(capacity) || capacity < 1)
    throw new RangeError('ring capacity must be a positive integer');
  const slots: (RecordedEvent | undefined)[] = new Array<RecordedEvent | undefined>(capacity);
  let nextSeq = 0;
  let floor: bigint | undefined;
  let covered: bigint | undefined;
  const oldestSeq = () => Math.max(0, nextSeq - capacity);

  const at = (seq: number) => (seq >= oldestSeq() && seq < nextSeq ? slots[seq % capacity] : undefined);

  return {
    push(event) {
      // Nothing between the first event seen and the position before it can be missing: the
      // subscription delivers in order from where it started.
      floor ??= event.position - 1n;
      if (nextSeq >= capacity) floor = slots[nextSeq % capacity]?.position ?? floor;
      slots[nextSeq % capacity] = event;
      nextSeq++;
      covered = event.position;
    },
    cover(position) {
      floor ??= position;
      if (covered === undefined || position > covered) covered = position;
    },
    get covered() {
      return covered;
    },
    get floor() {
      return floor ?? 0n;
    },
    get oldestSeq() {
      return oldestSeq();
    },
    get nextSeq() {
      return nextSeq;
    },
    at,
    firstAfter(position) {
      let low = oldestSeq();
      let high = nextSeq;
      while (low < high) {
        const mid = (low + high) >>> 1;
        if ((slots[mid % capacity]?.position ?? 0n) > position) high = mid;
        else low = mid + 1;
      }
      return low;
    },
    get size() {
      return nextSeq - oldestSeq();
    },
    capacity,
  };
};
