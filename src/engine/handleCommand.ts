import { isLeft } from 'fp-ts/Either';
import type { AppendResult, EventStore, EventToAppend } from '../ports/eventStore';
import type { ExpectedRevision } from '../ports/expectedRevision';
import { conflict, matchesExpectedRevision } from '../ports/expectedRevision';
import type { Command } from '../domain/commands';
import type { TaskEvent, TaskEventEnvelope, EventMetadata } from '../domain/events';
import { SCHEMA_VERSION } from '../domain/events';
import { decide, DecideContext } from '../domain/decide';
import { streamNameOf } from '../domain/task';
import { isTaskledgerError } from '../domain/errors';
import type { TaskStreams, LoadedTask } from './taskStreams';
import { advanceWith, emptyTask, type PlacedEvent } from './taskStreams';
import type { TaskRelations } from './taskRelations';
import { hashEvent } from './hashChain';
import { eventIdFor, newCommandId } from './eventIds';
import { CommandResult, changedFields } from './commandResult';

/** Who acts and why, and how strictly: carried into every event's metadata. */
export type CommandOptions = {
  readonly actor?: string;
  readonly reason?: string;
  /** Makes a retried command idempotent: the same id is handled once. */
  readonly commandId?: string;
  readonly correlationId?: string;
  readonly causationId?: string;
  /** Strict compare-and-set: fail with `conflict` instead of re-reading and deciding again. */
  readonly expectedRevision?: ExpectedRevision;
};

export type CommandDeps = {
  readonly store: EventStore;
  readonly streams: TaskStreams;
  readonly relations: TaskRelations;
  readonly now: () => string;
  readonly defaultActor: string;
  readonly workerTimeoutMs: number;
  readonly maxRetries: number;
};

const commandIdOf = (command: Command): string | undefined =>
  'id' in command.data ? command.data.id : undefined;

/** Looks up the facts about other tasks that this command's decision depends on. */
const factsFor = async (command: Command, relations: TaskRelations) => {
  const parent = command.type === 'create' || command.type === 'edit' ? command.data.parent : undefined;
  const needsChildren = command.type === 'reset' || command.type === 'delete';
  return {
    ...(parent === undefined ? {} : { parent: await relations.parentFacts(parent) }),
    ...(needsChildren ? { publishedChildren: await relations.publishedChildren(command.data.id) } : {}),
  };
};

/**
 * Adds metadata and the hash chain: each event's hash covers the one before it in the stream.
 * Returns what goes to the store and the same events typed, to fold without decoding them back.
 */
const toAppend = (events: readonly TaskEvent[], loaded: LoadedTask, base: EventMetadata) => {
  let previous = loaded.lastHash;
  const envelopes: TaskEventEnvelope[] = [];
  const toStore = events.map((event, index): EventToAppend => {
    const hash = hashEvent(previous, { type: event.type, data: event.data, metadata: base });
    previous = hash;
    const metadata = { ...base, hash };
    envelopes.push({ ...event, metadata });
    return { id: eventIdFor(base.commandId, index), type: event.type, data: event.data, metadata };
  });
  return { toStore, envelopes };
};

/** The appended events where the store put them: only the last one's position is known. */
const placedFrom = (envelopes: readonly TaskEventEnvelope[], last: AppendResult): PlacedEvent[] =>
  envelopes.map((event, i) => {
    const fromEnd = envelopes.length - 1 - i;
    return {
      event,
      revision: last.nextExpectedRevision - BigInt(fromEnd),
      // Positions may have gaps: an earlier event's is not last - n. Only the last is kept.
      position: fromEnd === 0 ? last.position : 0n,
    };
  });

/**
 * A create with an id this engine has not seen is tried against an empty stream without
 * reading it: the append's `no_stream` check catches a task that exists. Not with a caller's
 * command id, whose retry must find the first landing and answer `duplicate`.
 */
const assumedNew = (id: string, command: Command, options: CommandOptions): LoadedTask | undefined =>
  command.type === 'create' && options.commandId === undefined ? emptyTask(id) : undefined;

/**
 * Read, decide, append: the one path every command takes. On a conflict (someone appended
 * first) it reads the new events and decides again, a bounded number of times, unless the
 * caller asked for strict compare-and-set.
 */
export const handleCommand = async (
  deps: CommandDeps,
  command: Command,
  options: CommandOptions = {},
): Promise<CommandResult> => {
  const id = commandIdOf(command);
  if (id === undefined) throw new Error('handleCommand: a command reaches here with its id');
  const stream = streamNameOf(id);
  const commandId = options.commandId ?? newCommandId();
  const facts = await factsFor(command, deps.relations);

  for (let attempt = 0; ; attempt++) {
    // Optimistic first try: decide on the fold this engine already holds and let the append's
    // revision check say whether it was current. Only a refusal or a no-op, which append
    // nothing and so check nothing, is confirmed against a fresh read.
    const cached = attempt === 0 ? (deps.streams.cached(id) ?? assumedNew(id, command, options)) : undefined;
    const loaded = cached ?? (await deps.streams.load(id));
    const stale = async () =>
      cached !== undefined && (await deps.streams.load(id)).revision !== cached.revision;
    const landed = loaded.recentCommands.get(commandId);
    if (landed !== undefined) return { id, updated: 1, fields: {}, ...landed, duplicate: true };
    if (
      options.expectedRevision !== undefined &&
      !matchesExpectedRevision(options.expectedRevision, loaded.revision)
    ) {
      if (await stale()) continue;
      throw conflict(stream, options.expectedRevision, loaded.revision);
    }

    const at = deps.now();
    const actor = options.actor ?? deps.defaultActor;
    const ctx: DecideContext = { at, actor, workerTimeoutMs: deps.workerTimeoutMs, ...facts };
    const decision = decide(loaded.state, command, ctx);
    if (isLeft(decision)) {
      if (await stale()) continue;
      throw decision.left;
    }
    const events = decision.right;
    if (events.length === 0) {
      if (await stale()) continue;
      return { id, updated: 0, fields: {}, revision: loaded.revision ?? -1n, position: loaded.lastPosition };
    }

    const reason = options.reason ?? statusReasonOf(command);
    const metadata: EventMetadata = {
      commandId,
      actor,
      at,
      schemaVersion: SCHEMA_VERSION,
      ...(reason ? { reason } : {}),
      ...(options.correlationId === undefined ? {} : { correlationId: options.correlationId }),
      ...(options.causationId === undefined ? {} : { causationId: options.causationId }),
    };
    const { toStore, envelopes } = toAppend(events, loaded, metadata);
    try {
      const result = await deps.store.appendToStream(stream, toStore, {
        expectedRevision: loaded.revision ?? 'no_stream',
      });
      const next = advanceWith(loaded, placedFrom(envelopes, result));
      deps.streams.remember(next);
      return {
        id,
        updated: 1,
        fields: changedFields(loaded.state, next.state),
        revision: result.nextExpectedRevision,
        position: result.position,
      };
    } catch (error) {
      const retry =
        isTaskledgerError(error) &&
        error.code === 'conflict' &&
        options.expectedRevision === undefined &&
        attempt < deps.maxRetries;
      if (!retry) throw error;
    }
  }
};

const statusReasonOf = (command: Command): string | undefined =>
  'status_reason' in command.data &&
  typeof command.data.status_reason === 'string' &&
  command.data.status_reason !== ''
    ? command.data.status_reason
    : undefined;
