import * as t from 'io-ts';
import { eventCodecs } from '../../domain/events';

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * An ISO 8601 time (or date), decoded to milliseconds since the epoch: event times are compared
 * as instants, so `2026-01-01T01:00:00+01:00` and `2026-01-01T00:00:00Z` are the same moment.
 */
export const IsoTime = new t.Type<number, string, unknown>(
  'IsoTime',
  (u): u is number => typeof u === 'number',
  (u, c) => {
    if (typeof u !== 'string' || !ISO_TIME.test(u)) return t.failure(u, c, 'expected an ISO 8601 time');
    const ms = Date.parse(u);
    return Number.isNaN(ms) ? t.failure(u, c, 'expected an ISO 8601 time') : t.success(ms);
  },
  (ms) => new Date(ms).toISOString(),
);

/**
 * A revision or position: a non-negative integer given as a bigint, a safe number or a decimal
 * string (JSON has no bigint, and positions may pass 2^53 on some stores).
 */
export const NonNegativeBigInt = new t.Type<bigint, string, unknown>(
  'NonNegativeBigInt',
  (u): u is bigint => typeof u === 'bigint' && u >= 0n,
  (u, c) => {
    if (typeof u === 'bigint')
      return u >= 0n ? t.success(u) : t.failure(u, c, 'expected a non-negative integer');
    if (typeof u === 'number' && Number.isSafeInteger(u) && u >= 0) return t.success(BigInt(u));
    if (typeof u === 'string' && /^\d{1,30}$/.test(u)) return t.success(BigInt(u));
    return t.failure(u, c, 'expected a non-negative integer');
  },
  (b) => b.toString(),
);

/** One of the event types the domain knows: a misspelt type in a filter is an error, not "no match". */
export const EventType = t.keyof(eventCodecs);
