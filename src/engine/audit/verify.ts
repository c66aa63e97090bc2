import type { EventStore } from '../../ports/eventStore';
import { headPosition, readAllInBatches } from '../../ports/eventStore';
import { TASK_STREAM_PREFIX } from '../../domain/task';
import type { Status } from '../../domain/status';
import type { Target } from '../../domain/machine';
import { auditEvent, AuditProblem, StreamAudit } from './streamAudit';

/** The first thing wrong in a stream: later events of a broken stream are not judged. */
export type VerifyBreak = {
  readonly stream: string;
  readonly position: bigint;
  readonly revision: bigint;
  readonly problem: AuditProblem;
  readonly message: string;
};

export type ForcedTransition = {
  readonly stream: string;
  readonly position: bigint;
  readonly revision: bigint;
  readonly type: string;
  readonly from: Status;
  readonly to: Target;
};

export type VerifyReport = {
  /** True when no stream is broken (forced transitions do not count against it). */
  readonly ok: boolean;
  readonly totals: {
    readonly streams: number;
    readonly events: number;
    readonly forced: number;
    readonly broken: number;
    /** Streams without a break. */
    readonly ok: number;
  };
  readonly breaks: readonly VerifyBreak[];
  readonly forced: readonly ForcedTransition[];
};

/** How far verify is: `first` is the position of the first task event, so (position - first) / (head - first) is the share done, even where positions are sparse. */
export type VerifyProgress = {
  readonly events: number;
  readonly first: bigint;
  readonly position: bigint;
  readonly head: bigint;
};

export type VerifyOptions = {
  /** Called every `progressEvery` events and once at the end; `head` is the last position when verify began. */
  readonly onProgress?: (progress: VerifyProgress) => void;
  readonly progressEvery?: number;
  /** How many events the store reads at once (the memory verify holds besides per-stream state). */
  readonly batchSize?: number;
};

/** A stream that broke keeps only this mark: its later events are counted, not checked. */
const BROKEN = 'broken';

/**
 * Reads the whole task log once, in position order, in batches, and checks every stream as it
 * goes: revisions contiguous from 0, the hash chain, and each recorded status change against the
 * machine. Memory is per stream (a few fields), never per event, so a log of any length verifies
 * in the same memory.
 */
export const verifyLog = async (store: EventStore, options: VerifyOptions = {}): Promise<VerifyReport> => {
  const { onProgress, progressEvery = 10_000, batchSize = 1_000 } = options;
  const filter = { streamPrefixes: [TASK_STREAM_PREFIX] };
  const head = onProgress === undefined ? 0n : await headPosition(store, filter);
  const streams = new Map<string, StreamAudit | typeof BROKEN>();
  const breaks: VerifyBreak[] = [];
  const forced: ForcedTransition[] = [];
  let events = 0;
  let position = 0n;
  let first: bigint | undefined;

  // A batch per await, not an event per await: verify reads the whole log.
  for await (const batch of readAllInBatches(store, { filter, batchSize })) {
    for (const recorded of batch) {
      events++;
      position = recorded.position;
      first ??= position;
      if (onProgress !== undefined && events % progressEvery === 0)
        onProgress({ events, first, position, head });
      const stream = recorded.streamName;
      const previous = streams.get(stream);
      if (previous === BROKEN) continue;
      const step = auditEvent(stream, previous, recorded);
      const where = { stream, position: recorded.position, revision: recorded.revision };
      if (!step.ok) {
        streams.set(stream, BROKEN);
        breaks.push({ ...where, problem: step.problem, message: step.message });
        continue;
      }
      streams.set(stream, step.next);
      if (step.forced) forced.push({ ...where, ...step.forced });
    }
  }
  // The read is done: everything up to the head has been seen, whatever the last task event was.
  const end = head > position ? head : position;
  onProgress?.({ events, first: first ?? end, position: end, head: end });

  return {
    ok: breaks.length === 0,
    totals: {
      streams: streams.size,
      events,
      forced: forced.length,
      broken: breaks.length,
      ok: streams.size - breaks.length,
    },
    breaks,
    forced,
  };
};
