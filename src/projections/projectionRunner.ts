import type { EventStore, RecordedEvent } from '../ports/eventStore';
import { readAllInBatches } from '../ports/eventStore';
import type { ReadModelStore } from '../ports/readModelStore';
import { streamNameOf } from '../domain/task';
import type { AnyProjection } from './projection';
import { projections as allProjections, tableOf } from './registry';
import { applyBatch, ReadMissing } from './applyBatch';
import { toProjectedEvents } from './projectedEvents';

export type Progress = { readonly position: bigint; readonly head: bigint; readonly events: number };

export type ProjectionRunnerOptions = {
  readonly store: EventStore;
  readonly readModels: ReadModelStore;
  readonly projections?: readonly AnyProjection[];
  /** Events per read and per read-model transaction. */
  readonly batchSize?: number;
  /**
   * Async mode: how long the follower lets appends gather before it reads and applies them,
   * unless a `waitFor` needs them sooner (0: read and apply each at once).
   */
  readonly lingerMs?: number;
  /**
   * Inline writers keep the rows current (inline mode): a catch-up at start then finds most
   * events already folded, and reads the rows' revisions before it loads any row.
   */
  readonly inline?: boolean;
};

const DEFAULT_LINGER_MS = 10;

/** The version a checkpoint has while its rows are being rebuilt: inline writes leave it alone. */
export const REBUILDING = -1;

const min = (values: readonly bigint[]) => values.reduce((a, b) => (b < a ? b : a), values[0] ?? 0n);

/** A row that missed events reads them from its own stream: streams are contiguous. */
export const readMissingFrom =
  (store: EventStore): ReadMissing =>
  async (taskId, from, to) => {
    const events: RecordedEvent[] = [];
    for await (const e of store.readStream(streamNameOf(taskId), { fromRevision: from, toRevision: to }))
      events.push(e);
    return toProjectedEvents(events);
  };

/** The position of the last event in the store. */
export const headPosition = async (store: EventStore): Promise<bigint> => {
  const stop = new AbortController();
  try {
    for await (const message of store.subscribeToAll({ from: 'end', signal: stop.signal })) {
      if (message.kind === 'caughtUp') return message.position;
    }
    return 0n;
  } finally {
    stop.abort();
  }
};

/**
 * Feeds projections from the store and keeps their checkpoints: catch-up at start, rebuild on a
 * new version or on demand, and (async mode) following the store's subscription.
 */
export const getProjectionRunner = (options: ProjectionRunnerOptions) => {
  const {
    store,
    readModels,
    projections = allProjections,
    batchSize = 1_000,
    lingerMs = DEFAULT_LINGER_MS,
    inline = false,
  } = options;
  const readMissing = readMissingFrom(store);
  const applied = new Set<() => void>();
  // Async mode: how many `waitFor`s are pending, and how to cut the follower's gathering short.
  let waiters = 0;
  let hurryFollower: (() => void) | undefined;

  const checkpointsOf = async (targets: readonly AnyProjection[]) =>
    Promise.all(
      targets.map(async (projection) => ({
        projection,
        checkpoint: await readModels.checkpoint(projection.name),
      })),
    );

  /**
   * One batch, one read-model transaction: rows and checkpoints move together. `durable: false`
   * for catch-up batches (see TransactionOptions): a rebuild commits a thousand of them.
   */
  const apply = async (
    targets: readonly AnyProjection[],
    batch: readonly RecordedEvent[],
    { version, durable, mostlyFolded }: { version?: number; durable?: boolean; mostlyFolded?: boolean } = {},
  ) => {
    const last = batch[batch.length - 1];
    if (last === undefined) return;
    const events = toProjectedEvents(batch);
    await readModels.transaction(
      (tx) =>
        applyBatch(tx, targets, events, readMissing, {
          checkpoint: { position: last.position, ...(version === undefined ? {} : { version }) },
          mostlyFolded: mostlyFolded === true,
        }),
      durable === undefined ? undefined : { durable },
    );
    for (const listener of applied) listener();
  };

  /**
   * Reads everything after the slowest target's checkpoint, in batches. `mostlyFolded`: the
   * events were appended by inline writers at the targets' current versions.
   */
  const catchUp = async (
    targets: readonly AnyProjection[] = projections,
    onProgress?: (p: Progress) => void,
    { version, mostlyFolded = false }: { version?: number; mostlyFolded?: boolean } = {},
  ): Promise<{ events: number; position: bigint }> => {
    const states = await checkpointsOf(targets);
    const from = min(states.map((s) => s.checkpoint?.position ?? 0n));
    const head = onProgress === undefined ? 0n : await headPosition(store);
    let events = 0;
    let position = from;
    for await (const batch of readAllInBatches(store, { fromPosition: from + 1n, batchSize })) {
      await apply(targets, batch, {
        ...(version === undefined ? {} : { version }),
        durable: false,
        mostlyFolded,
      });
      events += batch.length;
      position = batch[batch.length - 1]?.position ?? position;
      onProgress?.({ position, head, events });
    }
    if (events === 0) {
      onProgress?.({ position, head, events });
      // Nothing new: still record each target as current at this code version.
      await readModels.transaction((tx) =>
        tx.setCheckpoints(
          new Map(
            states.map((s) => [
              s.projection.name,
              { version: version ?? s.projection.version, position: s.checkpoint?.position ?? 0n },
            ]),
          ),
        ),
      );
    }
    return { events, position };
  };

  /**
   * Drops `targets`' rows and folds the whole log again. While it runs the checkpoints say
   * REBUILDING, so inline writers leave these rows alone; a last pass at the real version picks
   * up what was appended meanwhile.
   */
  const rebuild = async (
    targets: readonly AnyProjection[] = projections,
    onProgress?: (p: Progress) => void,
  ) => {
    for (const p of targets) await readModels.clear(p.name);
    await readModels.prepare(targets.map(tableOf));
    await readModels.transaction((tx) =>
      tx.setCheckpoints(new Map(targets.map((p) => [p.name, { version: REBUILDING, position: 0n }]))),
    );
    // Waiting for the head first makes every event committed before the rebuild readable to it
    // (PostgreSQL only reads positions no writer in flight can still fill in).
    await headPosition(store);
    const refill = () => catchUp(targets, onProgress, { version: REBUILDING });
    const first = await (readModels.bulkRefill?.(targets.map(tableOf), refill) ?? refill());
    await readModels.transaction((tx) =>
      tx.setCheckpoints(
        new Map(targets.map((p) => [p.name, { version: p.version, position: first.position }])),
      ),
    );
    await headPosition(store);
    const last = await catchUp(targets);
    return { events: first.events + last.events };
  };

  /** Creates the tables, rebuilds any projection whose version changed, and catches up the rest. */
  const prepare = async (onProgress?: (p: Progress) => void) => {
    await readModels.prepare(projections.map(tableOf));
    const states = await checkpointsOf(projections);
    const stale = states.filter(
      (s) => s.checkpoint !== undefined && s.checkpoint.version !== s.projection.version,
    );
    if (stale.length > 0)
      await rebuild(
        stale.map((s) => s.projection),
        onProgress,
      );
    // Inline, the rows already hold most of what follows the checkpoint: PostgreSQL's inline
    // writes do not move it, SQLite's every thousand events.
    await catchUp(projections, onProgress, { mostlyFolded: inline });
  };

  /**
   * Async mode: follows the store's subscription until `signal` aborts. A reader fills a
   * bounded buffer and the applier takes whatever has gathered, so a burst of appends costs one
   * read-model transaction, not one each; a full buffer makes the reader wait. Once live, the
   * store lets appends gather for `lingerMs` before it reads (cut short when a `waitFor` needs
   * them): applying a trickle one append at a time would cost more than the inline mode it is
   * meant to beat. The commits need not be durable: rows and checkpoint are lost together, and
   * the next catch-up folds them again.
   */
  const follow = async (signal: AbortSignal) => {
    const states = await checkpointsOf(projections);
    const after = min(states.map((s) => s.checkpoint?.position ?? 0n));
    const buffer: RecordedEvent[] = [];
    let reading = true;
    let failure: unknown;
    let wakeApplier: (() => void) | undefined;
    let wakeReader: (() => void) | undefined;
    // The applier wakes once the reader has pushed all it has at hand (a whole read), not at its first event.
    let wakeScheduled = false;
    const wakeAfterPushes = () => {
      if (wakeScheduled) return;
      wakeScheduled = true;
      setImmediate(() => {
        wakeScheduled = false;
        wakeApplier?.();
      });
    };
    const gather = (stop: AbortSignal) =>
      new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          stop.removeEventListener('abort', done);
          hurryFollower = undefined;
          resolve();
        };
        const timer = setTimeout(done, waiters > 0 ? 0 : lingerMs);
        hurryFollower = done;
        stop.addEventListener('abort', done, { once: true });
      });
    const reader = (async () => {
      const subscription = store.subscribeToAll({
        from: { after },
        signal,
        batchSize,
        ...(lingerMs > 0 ? { gather } : {}),
      });
      for await (const message of subscription) {
        if (message.kind !== 'event') continue;
        buffer.push(message.event);
        if (buffer.length >= batchSize) wakeApplier?.();
        else wakeAfterPushes();
        if (buffer.length >= 2 * batchSize) await new Promise<void>((resolve) => (wakeReader = resolve));
      }
    })()
      .catch((e: unknown) => {
        if (!signal.aborted) failure = e;
      })
      .finally(() => {
        reading = false;
        wakeApplier?.();
      });
    while (reading || buffer.length > 0) {
      if (buffer.length === 0) {
        await new Promise<void>((resolve) => (wakeApplier = resolve));
        wakeApplier = undefined;
        continue;
      }
      await apply(projections, buffer.splice(0, batchSize), { durable: false });
      wakeReader?.();
      wakeReader = undefined;
    }
    await reader;
    if (failure !== undefined) throw failure;
  };

  /** Resolves once every projection has folded the event at `position` (`{ atLeast }` queries). */
  const waitFor = async (position: bigint, signal?: AbortSignal) => {
    const reached = async () =>
      (await checkpointsOf(projections)).every((s) => (s.checkpoint?.position ?? 0n) >= position);
    waiters++;
    try {
      while (!(await reached())) {
        if (signal?.aborted) throw signal.reason;
        // Someone reads now: the follower reads what has been appended without gathering more.
        hurryFollower?.();
        await new Promise<void>((resolve) => {
          const done = () => {
            applied.delete(done);
            clearTimeout(timer);
            resolve();
          };
          // Another process may be the one applying: look again after a while either way.
          const timer = setTimeout(done, 50);
          applied.add(done);
        });
      }
    } finally {
      waiters--;
    }
  };

  return { prepare, catchUp, rebuild, follow, waitFor };
};
export type ProjectionRunner = ReturnType<typeof getProjectionRunner>;
