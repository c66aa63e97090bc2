import { getLiveRing } from '../../../src/engine/subscriptions/liveRing';
import type { RecordedEvent } from '../../../src/ports/eventStore';

const event = (position: bigint): RecordedEvent => ({
  id: `e${position}`,
  type: 'TaskPinged',
  data: {},
  metadata: {},
  streamName: 'task-a',
  revision: position,
  position,
});

describe('the live ring', () => {
  it('holds at most its capacity and moves its floor past what it dropped', () => {
    const ring = getLiveRing(3);
    ring.cover(10n);
    expect([ring.floor, ring.covered, ring.size]).toEqual([10n, 10n, 0]);
    for (const p of [11n, 13n, 14n, 17n, 20n]) ring.push(event(p));
    expect(ring.size).toBe(3);
    expect(ring.floor).toBe(13n); // 11 and 13 were dropped: everything after 13 is held
    expect(ring.covered).toBe(20n);
    expect([ring.oldestSeq, ring.nextSeq]).toEqual([2, 5]);
    expect(ring.at(1)).toBeUndefined();
    expect(ring.at(2)?.position).toBe(14n);
  });

  it('finds the first event after a position', () => {
    const ring = getLiveRing(4);
    ring.cover(0n);
    for (const p of [2n, 4n, 6n, 8n, 10n]) ring.push(event(p));
    expect(ring.firstAfter(4n)).toBe(2); // seq 2 is position 6
    expect(ring.at(ring.firstAfter(5n))?.position).toBe(6n);
    expect(ring.firstAfter(10n)).toBe(ring.nextSeq);
    expect(ring.firstAfter(0n)).toBe(ring.oldestSeq);
  });

  it('takes the floor from the first event when events arrive before the caught-up marker', () => {
    const ring = getLiveRing(4);
    ring.push(event(7n));
    ring.cover(9n);
    expect([ring.floor, ring.covered]).toEqual([6n, 9n]);
  });
});
