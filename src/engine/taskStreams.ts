import type { EventStore, RecordedEvent } from '../ports/eventStore';
import { decodeStoredEvent, type TaskEventEnvelope } from '../domain/events';
import { foldingEvolve } from '../domain/evolve';
import { initialState, TaskState } from '../domain/taskState';
import { streamNameOf } from '../domain/task';
import { GENESIS_HASH } from './hashChain';

/** Where a command lands: kept so a retried command id answers as the first time. */
export type CommandLanding = { readonly revision: bigint; readonly position: bigint };

/** A task's stream folded up to `revision` (undefined: the stream does not exist yet). */
export type LoadedTask = {
  readonly id: string;
  readonly state: TaskState;
  readonly revision: bigint | undefined;
  readonly lastPosition: bigint;
  readonly lastHash: string;
  readonly recentCommands: ReadonlyMap<string, CommandLanding>;
};

const RECENT_COMMANDS = 64;

export const emptyTask = (id: string): LoadedTask => ({
  id,
  state: initialState,
  revision: undefined,
  lastPosition: 0n,
  lastHash: GENESIS_HASH,
  recentCommands: new Map(),
});

/** Decodes an event read back from a store (see domain/events.ts). */
export const decodeRecorded = decodeStoredEvent;

/** An event already decoded (or just decided), with where it landed. */
export type PlacedEvent = {
  readonly event: TaskEventEnvelope;
  readonly revision: bigint;
  readonly position: bigint;
};

/** Folds placed events onto a loaded task. */
export const advanceWith = (loaded: LoadedTask, events: readonly PlacedEvent[]): LoadedTask => {
  let { state, revision, lastPosition, lastHash } = loaded;
  const recentCommands = new Map(loaded.recentCommands);
  const evolve = foldingEvolve();
  for (const placed of events) {
    const { event } = placed;
    state = evolve(state, event);
    revision = placed.revision;
    lastPosition = placed.position;
    lastHash = event.metadata.hash ?? GENESIS_HASH;
    recentCommands.delete(event.metadata.commandId);
    recentCommands.set(event.metadata.commandId, { revision: placed.revision, position: placed.position });
    if (recentCommands.size > RECENT_COMMANDS)
      recentCommands.delete(recentCommands.keys().next().value as string);
  }
  return { ...loaded, state, revision, lastPosition, lastHash, recentCommands };
};

/** Folds recorded events onto a loaded task, decoding each (a store's bytes are never trusted). */
export const advance = (loaded: LoadedTask, events: readonly RecordedEvent[]): LoadedTask =>
  advanceWith(
    loaded,
    events.map((recorded) => ({
      event: decodeRecorded(recorded),
      revision: recorded.revision,
      position: recorded.position,
    })),
  );

/**
 * Loads tasks by folding their streams, keeping the folded state of recently used tasks so the
 * next command reads only the events appended since (by anyone: streams only grow).
 */
export const getTaskStreams = (store: EventStore, capacity = 10_000) => {
  const cache = new Map<string, LoadedTask>();

  const remember = (loaded: LoadedTask) => {
    const cached = cache.get(loaded.id);
    // Only move forward: a slower concurrent command must not put back an older fold.
    if (
      cached?.revision !== undefined &&
      (loaded.revision === undefined || loaded.revision < cached.revision)
    )
      return;
    cache.delete(loaded.id);
    cache.set(loaded.id, loaded);
    if (cache.size > capacity) cache.delete(cache.keys().next().value as string);
  };

  const load = async (id: string): Promise<LoadedTask> => {
    const from = cache.get(id) ?? emptyTask(id);
    const fromRevision = from.revision === undefined ? 0n : from.revision + 1n;
    const events: RecordedEvent[] = [];
    for await (const event of store.readStream(streamNameOf(id), { fromRevision })) events.push(event);
    if (events.length === 0) return from;
    const loaded = advance(from, events);
    remember(loaded);
    return loaded;
  };

  /** The fold this engine last saw, without reading: fresh enough to try an append against. */
  const cached = (id: string): LoadedTask | undefined => cache.get(id);

  return { load, remember, cached };
};
export type TaskStreams = ReturnType<typeof getTaskStreams>;
