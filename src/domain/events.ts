import * as t from 'io-ts';
import { Either, left, right } from 'fp-ts/Either';
import { Status } from './status';
import { TaskType, Artifact, Parameters, Script, SubStep } from './task';
import { MetricReport } from './commands';
import { TaskledgerError, invalidRequest, corruptEvent } from './errors';
import { decodeWith } from './decode';

const optional = <P extends t.Props>(props: P) => t.partial(props);

/**
 * Every event that moves the status records where from and where to, so a subscriber can follow
 * status changes without knowing the machine, and whether force was used, so an audit can list it.
 */
export const StatusChange = t.intersection([
  t.type({ from: Status, to: Status, status_reason: t.string, status_message: t.string }),
  optional({ forced: t.literal(true) }),
]);
export type StatusChange = t.TypeOf<typeof StatusChange>;

const withStatus = <P extends t.Props>(props: P) => t.intersection([StatusChange, t.partial(props)]);
const Worker = { worker: t.string };

const Definition = {
  project: t.string,
  parent: t.string,
  tags: t.array(t.string),
  system_tags: t.array(t.string),
  comment: t.string,
  parameters: Parameters,
  script: Script,
  output_destination: t.string,
};

/** The data of each event type. Event names are past tense: they say what happened. */
export const eventCodecs = {
  TaskCreated: t.intersection([
    t.type({ id: t.string, name: t.string, type: TaskType }),
    optional(Definition),
  ]),
  TaskEdited: t.type({
    changes: optional({ name: t.string, type: TaskType, ...Definition }),
    forced: t.boolean,
  }),
  TaskUpdated: t.type({
    changes: optional({
      name: t.string,
      comment: t.string,
      tags: t.array(t.string),
      system_tags: t.array(t.string),
      project: t.string,
      status_message: t.string,
      output_error: t.string,
    }),
  }),
  TaskEnqueued: withStatus({ queue: t.string, enqueue_status: Status }),
  TaskDequeued: StatusChange,
  TaskStarted: withStatus(Worker),
  TaskStopRequested: StatusChange,
  TaskStopped: withStatus(Worker),
  TaskFailed: withStatus({ error: t.string, ...Worker }),
  TaskCompleted: withStatus({
    result: t.string,
    completion_details: t.record(t.string, t.string),
    ...Worker,
  }),
  TaskPublished: StatusChange,
  TaskClosed: StatusChange,
  TaskReset: withStatus({ clear_all: t.boolean }),
  TaskArchived: StatusChange,
  TaskDeleted: t.intersection([t.type({ status: Status }), optional({ forced: t.literal(true) })]),
  TaskPinged: optional(Worker),
  MetricsReported: t.intersection([t.type({ metrics: t.array(MetricReport) }), optional(Worker)]),
  ProgressReported: t.intersection([
    t.type({ percentage: t.number }),
    optional({ sub_step: SubStep.props.name, ...Worker }),
  ]),
  ExecutionReported: t.partial({
    phase_version: t.number,
    logs: t.array(t.type({ name: t.string, uri: t.string })),
    custom_info: t.record(t.string, t.unknown),
    reason: t.string,
    ...Worker,
  }),
  ArtifactsAdded: t.intersection([t.type({ artifacts: t.array(Artifact) }), optional(Worker)]),
} as const;

type Codecs = typeof eventCodecs;
export type TaskEventType = keyof Codecs;
export type EventData<K extends TaskEventType> = t.TypeOf<Codecs[K]>;
export type TaskEventOf<K extends TaskEventType> = { readonly type: K; readonly data: EventData<K> };
/** An event as `decide` produces it: before the engine adds metadata and the store a position. */
export type TaskEvent = { [K in TaskEventType]: TaskEventOf<K> }[TaskEventType];

export const taskEventTypes = Object.keys(eventCodecs) as TaskEventType[];

/** The event types that change (or re-assert) a task's status. */
export const statusChangeEventTypes = [
  'TaskEnqueued',
  'TaskDequeued',
  'TaskStarted',
  'TaskStopRequested',
  'TaskStopped',
  'TaskFailed',
  'TaskCompleted',
  'TaskPublished',
  'TaskClosed',
  'TaskReset',
  'TaskArchived',
] as const satisfies readonly TaskEventType[];
export type StatusChangeEvent = TaskEventOf<(typeof statusChangeEventTypes)[number]>;

export const isStatusChange = (event: TaskEvent): event is StatusChangeEvent =>
  (statusChangeEventTypes as readonly string[]).includes(event.type);

/** Who, when, why: carried by every stored event. */
export const EventMetadata = t.intersection([
  t.type({ commandId: t.string, actor: t.string, at: t.string, schemaVersion: t.number }),
  t.partial({
    reason: t.string,
    correlationId: t.string,
    causationId: t.string,
    /** sha256 over the previous event's hash and this event (see engine/hashChain). */
    hash: t.string,
  }),
]);
export type EventMetadata = t.TypeOf<typeof EventMetadata>;
export const SCHEMA_VERSION = 1;

/** A task event with its metadata: what `evolve` folds. */
export type TaskEventEnvelope = TaskEvent & { readonly metadata: EventMetadata };

const isTaskEventType = (u: unknown): u is TaskEventType =>
  typeof u === 'string' && Object.prototype.hasOwnProperty.call(eventCodecs, u);

type EnvelopeCodec = t.Type<TaskEventEnvelope, TaskEventEnvelope, unknown>;

/** One envelope codec per event type, built once: building it for every event cost more than decoding. */
const envelopeCodecs = Object.fromEntries(
  taskEventTypes.map((type) => [
    type,
    t.type({ type: t.literal(type), data: eventCodecs[type], metadata: EventMetadata }),
  ]),
) as unknown as Record<TaskEventType, EnvelopeCodec>;

/**
 * Decodes an event read back from a store; the caller turns a failure into `corrupt_event`.
 * Every event codec decodes a valid input to a value equal to it, so io-ts's `is` (the same
 * checks, without the context `decode` builds for every field) settles a valid event; only a failing one is
 * decoded again, for the message naming the field.
 */
export const decodeTaskEvent = (input: {
  type: string;
  data: unknown;
  metadata: unknown;
}): Either<TaskledgerError, TaskEventEnvelope> => {
  if (!isTaskEventType(input.type)) {
    return left(invalidRequest(`unknown event type ${JSON.stringify(input.type)}`, 'type'));
  }
  const codec = envelopeCodecs[input.type];
  return codec.is(input) ? right(input) : decodeWith(codec, 'event')(input);
};

/** What a store gives back, as far as decoding needs. */
type StoredEvent = {
  readonly type: string;
  readonly data: unknown;
  readonly metadata: unknown;
  readonly streamName: string;
  readonly revision: bigint;
  readonly position: bigint;
};

/** Decodes an event read back from a store: one that does not decode is `corrupt_event`, never skipped. */
export const decodeStoredEvent = (event: StoredEvent): TaskEventEnvelope => {
  const decoded = decodeTaskEvent(event);
  if (decoded._tag === 'Left') {
    throw corruptEvent(event.position, decoded.left.message, {
      stream: event.streamName,
      revision: event.revision.toString(),
    });
  }
  return decoded.right;
};
