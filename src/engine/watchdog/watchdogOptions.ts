import * as t from 'io-ts';
import { isLeft } from 'fp-ts/Either';
import { strictObject, decodeWith, NonEmptyString } from '../../domain/decode';

const PositiveInteger = t.refinement(t.number, (n) => Number.isSafeInteger(n) && n > 0, 'PositiveInteger');

const WatchdogOptionsCodec = strictObject(
  'WatchdogOptions',
  {},
  {
    thresholdMs: PositiveInteger,
    intervalMs: PositiveInteger,
    /** Queue each stopped task again, in the queue it was in, for another worker to take. */
    requeue: t.boolean,
    actor: NonEmptyString,
  },
);
export type WatchdogOptions = t.TypeOf<typeof WatchdogOptionsCodec>;

export type WatchdogSettings = {
  readonly thresholdMs: number;
  readonly intervalMs: number;
  readonly requeue: boolean;
  readonly actor: string;
};

// ClearML's defaults (status-rules.md, Liveness): a task silent for 2 hours, checked every 15 minutes.
export const DEFAULT_THRESHOLD_MS = 7_200_000;
export const DEFAULT_INTERVAL_MS = 900_000;
export const WATCHDOG_ACTOR = 'watchdog';

const decode = decodeWith(WatchdogOptionsCodec, 'watchdog options');

export const toWatchdogSettings = (options: WatchdogOptions = {}): WatchdogSettings => {
  const decoded = decode(options);
  if (isLeft(decoded)) throw decoded.left;
  return {
    thresholdMs: decoded.right.thresholdMs ?? DEFAULT_THRESHOLD_MS,
    intervalMs: decoded.right.intervalMs ?? DEFAULT_INTERVAL_MS,
    requeue: decoded.right.requeue ?? false,
    actor: decoded.right.actor ?? WATCHDOG_ACTOR,
  };
};
