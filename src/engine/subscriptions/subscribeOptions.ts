import * as t from 'io-ts';
import { isLeft } from 'fp-ts/Either';
import { strictObject, decodeWith } from '../../domain/decode';
import { Status } from '../../domain/status';
import { TaskId } from '../../domain/task';
import { EventType, NonNegativeBigInt } from '../audit/auditCodecs';

const Target = t.union([Status, t.literal('deleted')]);

/** Which changes a subscriber wants; every part is optional and the parts combine with AND. */
export const ChangeFilter = strictObject(
  'ChangeFilter',
  {},
  {
    from: t.array(Status),
    to: t.array(Target),
    types: t.array(EventType),
    projects: t.array(t.string),
    /** A task id: that task and its descendants. */
    taskTree: TaskId,
  },
);
export type ChangeFilter = t.TypeOf<typeof ChangeFilter>;

const From = t.union([
  t.literal('start'),
  t.literal('end'),
  strictObject('After', { after: NonNegativeBigInt }),
]);

/** A durable subscriber's name: it names a stream, so it has a task id's alphabet. */
export const SubscriberName = TaskId;

const SubscribeOptionsCodec = strictObject(
  'SubscribeOptions',
  {},
  {
    from: From,
    name: SubscriberName,
    events: t.union([t.literal('status'), t.literal('all')]),
    filter: ChangeFilter,
    /** Events read from the store at once while catching up. */
    batchSize: t.refinement(t.number, (n) => Number.isSafeInteger(n) && n > 0, 'PositiveInteger'),
    /** A named subscriber stores its checkpoint at least every this many items (and whenever it waits). */
    checkpointEvery: t.refinement(t.number, (n) => Number.isSafeInteger(n) && n > 0, 'PositiveInteger'),
  },
);
export type DecodedSubscribeOptions = t.TypeOf<typeof SubscribeOptionsCodec>;

/** What `engine.subscribe` takes: positions may be bigints, numbers or decimal strings. */
export type SubscribeOptions = {
  /** Where to begin (default `start`); `{ after: position }` resumes with the item after a stored position. */
  readonly from?: 'start' | 'end' | { readonly after: bigint | number | string };
  /**
   * A durable subscriber: it resumes after its last checkpoint, kept in the store, and `from`
   * applies only to its very first run. Two processes under one name get `conflict`.
   */
  readonly name?: string;
  /** Status changes only (default), or every task event. */
  readonly events?: 'status' | 'all';
  readonly filter?: {
    readonly from?: readonly string[];
    readonly to?: readonly string[];
    readonly types?: readonly string[];
    readonly projects?: readonly string[];
    readonly taskTree?: string;
  };
  readonly signal?: AbortSignal;
  readonly batchSize?: number;
  readonly checkpointEvery?: number;
};

const decode = decodeWith(SubscribeOptionsCodec, 'subscribe options');

export const decodeSubscribeOptions = (
  options: SubscribeOptions,
): DecodedSubscribeOptions & { signal?: AbortSignal } => {
  const { signal, ...rest } = options;
  const decoded = decode(rest);
  if (isLeft(decoded)) throw decoded.left;
  return signal === undefined ? decoded.right : { ...decoded.right, signal };
};
