import { isLeft } from 'fp-ts/Either';
import { decide, DecideContext } from '../../src/domain/decide';
import { evolve } from '../../src/domain/evolve';
import { initialState, TaskState } from '../../src/domain/taskState';
import { SCHEMA_VERSION, EventMetadata, TaskEventEnvelope } from '../../src/domain/events';
import { streamNameOf } from '../../src/domain/task';
import { DEFAULT_WORKER_TIMEOUT_MS } from '../../src/domain/liveness';
import { hashEvent, GENESIS_HASH } from '../../src/engine/hashChain';
import { eventIdFor } from '../../src/engine/eventIds';
import type { EventToAppend } from '../../src/ports/eventStore';
import { lifecycleCommands } from './lifecycle';

/** One stored event as the engine writes it, serialised once for the raw and peer writers. */
export type BenchEvent = EventToAppend & {
  readonly streamName: string;
  readonly revision: number;
  readonly dataJson: string;
  readonly metadataJson: string;
};

/**
 * A task's lifecycle events exactly as the engine would store them — produced by the domain's
 * own `decide` and `evolve`, with the engine's metadata, event ids and hash chain — but without
 * the engine's store round trips. So raw inserts, peer appends and the generated rebuild log
 * carry the same ~300-byte events that `engine.create/…` produce, and `engine.verify()` accepts them.
 */
export const lifecycleEvents = (id: string, index: number, startMs: number): BenchEvent[] => {
  const streamName = streamNameOf(id);
  let state: TaskState = initialState;
  let previousHash = GENESIS_HASH;
  const events: BenchEvent[] = [];
  lifecycleCommands(id, index).forEach((command, step) => {
    const at = new Date(startMs + step).toISOString();
    const actor = step < 2 ? 'bench' : 'bench-worker';
    const ctx: DecideContext = { at, actor, workerTimeoutMs: DEFAULT_WORKER_TIMEOUT_MS };
    const decided = decide(state, command, ctx);
    if (isLeft(decided)) throw decided.left;
    // Deterministic command ids (the engine draws random UUIDs): same log on every run.
    const commandId = eventIdFor(`bench/${id}`, step);
    const base: EventMetadata = { commandId, actor, at, schemaVersion: SCHEMA_VERSION };
    decided.right.forEach((event, i) => {
      const hash = hashEvent(previousHash, { type: event.type, data: event.data, metadata: base });
      previousHash = hash;
      const metadata: EventMetadata = { ...base, hash };
      const envelope = { ...event, metadata } as TaskEventEnvelope;
      state = evolve(state, envelope);
      events.push({
        id: eventIdFor(commandId, i),
        type: event.type,
        data: event.data,
        metadata,
        streamName,
        revision: events.length,
        dataJson: JSON.stringify(event.data),
        metadataJson: JSON.stringify(metadata),
      });
    });
  });
  return events;
};

/**
 * Events of `tasks` tasks in the order `callers` concurrent callers would append them: tasks
 * run `callers` at a time and their events interleave round robin.
 */
export function* interleavedLifecycles(
  tasks: number,
  options: { prefix: string; callers: number; startMs?: number },
): Generator<BenchEvent> {
  const { prefix, callers, startMs = Date.UTC(2026, 10, 1) } = options;
  for (let first = 0; first < tasks; first += callers) {
    const group = [];
    for (let i = first; i < Math.min(tasks, first + callers); i++)
      group.push(lifecycleEvents(`${prefix}-${i}`, i, startMs + i * 20));
    const longest = Math.max(...group.map((g) => g.length));
    for (let step = 0; step < longest; step++)
      for (const events of group) {
        const event = events[step];
        if (event !== undefined) yield event;
      }
  }
}
