import { isLeft } from 'fp-ts/Either';
import type { RecordedEvent } from '../../ports/eventStore';
import { decodeTaskEvent, TaskEventEnvelope } from '../../domain/events';
import { statusMoveOf, StatusMove } from '../../domain/statusMove';
import type { Status } from '../../domain/status';
import type { Target } from '../../domain/machine';
import { isAllowed } from '../../domain/transitionTable';
import { SystemTag, TASK_STREAM_PREFIX } from '../../domain/task';
import { hashEvent, GENESIS_HASH } from '../hashChain';
import { commandsOf } from './eventCommands';

/**
 * What `verify` keeps per stream between two of its events: a few fields, never the events, so
 * checking a log holds memory in proportion to its streams.
 */
export type StreamAudit = {
  readonly revision: bigint;
  readonly hash: string;
  readonly status: Target;
  /** Delete is allowed from any status once archived: the one fact besides status the rules read. */
  readonly archived: boolean;
};

export type AuditProblem =
  | 'revision_gap'
  | 'corrupt'
  | 'missing_hash'
  | 'hash_mismatch'
  | 'not_created_first'
  | 'created_twice'
  | 'wrong_task_id'
  | 'event_after_delete'
  | 'status_mismatch'
  | 'invalid_transition';

/** A transition that needed force: legal, but an auditor wants to see it. */
export type ForcedMove = { readonly type: string; readonly from: Status; readonly to: Target };

export type AuditStep =
  | { readonly ok: true; readonly next: StreamAudit; readonly forced?: ForcedMove }
  | { readonly ok: false; readonly problem: AuditProblem; readonly message: string };

const fail = (problem: AuditProblem, message: string): AuditStep => ({ ok: false, problem, message });

/** Where the event says the task went; events that keep the status still need the machine's leave. */
const moveOf = (event: TaskEventEnvelope, status: Status): StatusMove =>
  statusMoveOf(event) ?? {
    from: status,
    to: status,
    forced: event.type === 'TaskEdited' && event.data.forced,
  };

const archivedAfter = (event: TaskEventEnvelope, archived: boolean): boolean => {
  if (event.type === 'TaskArchived') return true;
  if ((event.type === 'TaskUpdated' || event.type === 'TaskEdited') && event.data.changes.system_tags)
    return event.data.changes.system_tags.includes(SystemTag.archived);
  return archived;
};

const checkLifecycle = (
  stream: string,
  previous: StreamAudit | undefined,
  event: TaskEventEnvelope,
  hash: string,
  revision: bigint,
): AuditStep => {
  if (previous === undefined) {
    if (event.type !== 'TaskCreated')
      return fail('not_created_first', `the first event is ${event.type}, not TaskCreated`);
    if (`${TASK_STREAM_PREFIX}${event.data.id}` !== stream)
      return fail('wrong_task_id', `TaskCreated names task ${event.data.id}`);
    const archived = (event.data.system_tags ?? []).includes(SystemTag.archived);
    return { ok: true, next: { revision, hash, status: 'created', archived } };
  }
  const status = previous.status;
  if (status === 'deleted') return fail('event_after_delete', `${event.type} after TaskDeleted`);
  if (event.type === 'TaskCreated') return fail('created_twice', 'a second TaskCreated');
  const move = moveOf(event, status);
  if (move.from !== status)
    return fail('status_mismatch', `${event.type} says from ${move.from}, but the task was ${status}`);
  const situation = { force: move.forced, archived: previous.archived };
  if (!commandsOf[event.type].some((command) => isAllowed(move.from, command, move.to, situation))) {
    const how = move.forced ? ' even with force' : '';
    return fail('invalid_transition', `${event.type} from ${move.from} to ${move.to} is not allowed${how}`);
  }
  const next = { revision, hash, status: move.to, archived: archivedAfter(event, previous.archived) };
  return move.forced
    ? { ok: true, next, forced: { type: event.type, from: move.from, to: move.to } }
    : { ok: true, next };
};

/**
 * Checks one event against what came before it in its stream: the revision follows, the event
 * decodes, its hash covers the previous hash and its own content, and the status change it records
 * is one the machine allows from the status the stream had.
 */
export const auditEvent = (
  stream: string,
  previous: StreamAudit | undefined,
  recorded: RecordedEvent,
): AuditStep => {
  const expected = previous === undefined ? 0n : previous.revision + 1n;
  if (recorded.revision !== expected)
    return fail('revision_gap', `expected revision ${expected}, found ${recorded.revision}`);
  const decoded = decodeTaskEvent(recorded);
  if (isLeft(decoded)) return fail('corrupt', decoded.left.message);
  const stored = decoded.right.metadata.hash;
  if (stored === undefined) return fail('missing_hash', 'the event has no hash');
  // The hash is over what the store holds, not over the decoded copy.
  const computed = hashEvent(previous?.hash ?? GENESIS_HASH, recorded);
  if (computed !== stored)
    return fail(
      'hash_mismatch',
      `hash ${stored.slice(0, 12)}… does not match the content (${computed.slice(0, 12)}…)`,
    );
  return checkLifecycle(stream, previous, decoded.right, stored, recorded.revision);
};
