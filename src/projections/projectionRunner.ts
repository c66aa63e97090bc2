import type { EventStore, RecordedEvent } from '../ports/eventStore';
import { headPosition, readAllInBatches } from '../ports/eventStore';
import type { Checkpoint, ReadModelStore } from '../ports/readModelStore';
import { streamNameOf } from '../domain/task';
import type { AnyProjection } from './projection';
import { projections as allProjections, tableOf } from './registry';
import { applyBatch, ReadMissing, recordCheckpoints } from './applyBatch';
import { toProjectedEvents } from './projectedEvents';
import { isCurrent, isSettling, REBUILDING, settling } from './checkpointVersions';
import { getAsyncFollower } from './asyncFollower';
import { getCheckpointAdvancer } from './checkpointAdvancer';
import { taskIndex } from './taskIndex';

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
  /**
   * Inline mode, where the inline writers leave the checkpoints alone (PostgreSQL): `advance`
   * moves them up to the head after this engine's own appends, so a start re-reads little.
   */
  readonly advanceCheckpoints?: boolean;
  /**
   * With `advanceCheckpoints`: an engine that appends less than INLINE_CHECKPOINT_INTERVAL
   * commands in this long moves them anyway at its next append, so many slow writers do not
   * leave a start a thousand events each to re-read.
   */
  readonly advanceAfterMs?: number;
};

const DEFAULT_LINGER_MS = 10;
const DEFAULT_ADVANCE_AFTER_MS = 10_000;

type VersionOf = (projection: AnyProjection) => number;
const rebuildingVersion: VersionOf = () => REBUILDING;
const settlingVersion: VersionOf = (projection) => settling(projection.version);

/** The lowest position of these checkpoints (0 for one not recorded): where reading must start. */
const slowest = (states: readonly { checkpoint: Checkpoint | undefined }[]) => {
  const positions = states.map((s) => s.checkpoint?.position ?? 0n);
  return positions.reduce((a, b) => (b < a ? b : a), positions[0] ?? 0n);
};

/** A row that missed events reads them from its own stream: streams are contiguous. */
export const readMissingFrom =
  (store: EventStore): ReadMissing =>
  async (taskId, from, to) => {
    const events: RecordedEvent[] = [];
    for await (const e of store.readStream(streamNameOf(taskId), { fromRevision: from, toRevision: to }))
      events.push(e);
    return toProjectedEvents(events);
  };

/**
 * Feeds projections from the store and keeps their checkpoints: catch-up at start, rebuild on a
 * new version or on demand; and, by mode, following the store's subscription (async,
 * asyncFollower.ts) or moving the checkpoints after this engine's appends (inline on
 * PostgreSQL, checkpointAdvancer.ts).
 */
export const getProjectionRunner = (options: ProjectionRunnerOptions) => {
  const {
    store,
    readModels,
    projections = allProjections,
    batchSize = 1_000,
    lingerMs = DEFAULT_LINGER_MS,
    inline = false,
    advanceCheckpoints = false,
    advanceAfterMs = DEFAULT_ADVANCE_AFTER_MS,
  } = options;
  const readMissing = readMissingFrom(store);
  // Told of every applied batch: what async-mode `waitFor`s wait on.
  const applied = new Set<() => void>();

  /** Read together: a rebuild's clear lands before all of them or after all (see ReadModelStore). */
  const checkpointsOf = async (targets: readonly AnyProjection[]) => {
    const found = await readModels.checkpoints(targets.map((p) => p.name));
    return targets.map((projection) => ({ projection, checkpoint: found.get(projection.name) }));
  };

  /**
   * One batch, one read-model transaction: rows and checkpoints move together. `durable: false`
   * for catch-up batches (see TransactionOptions): a rebuild commits a thousand of them.
   */
  const apply = async (
    targets: readonly AnyProjection[],
    batch: readonly RecordedEvent[],
    {
      versionOf,
      durable,
      mostlyFolded,
    }: { versionOf?: VersionOf; durable?: boolean; mostlyFolded?: boolean } = {},
  ) => {
    const last = batch[batch.length - 1];
    if (last === undefined) return;
    const events = toProjectedEvents(batch);
    await readModels.transaction(
      (tx) =>
        applyBatch(tx, targets, events, readMissing, {
          checkpoint: { position: last.position, ...(versionOf === undefined ? {} : { versionOf }) },
          mostlyFolded: mostlyFolded === true,
        }),
      durable === undefined ? undefined : { durable },
    );
    for (const listener of applied) listener();
  };

  /**
   * Reads everything after the slowest target's checkpoint (or `after`), in batches, and records
   * the checkpoints at `versionOf` (default: the code versions). `mostlyFolded`: the events were
   * appended by inline writers at the targets' current versions. A rebuild passes `after`: the
   * checkpoints may be moved meanwhile by another process's rebuild, and it must read from where
   * its own work stands.
   */
  const catchUp = async (
    targets: readonly AnyProjection[] = projections,
    onProgress?: (p: Progress) => void,
    {
      versionOf,
      mostlyFolded = false,
      after,
    }: { versionOf?: VersionOf; mostlyFolded?: boolean; after?: bigint } = {},
  ): Promise<{ events: number; position: bigint }> => {
    const states = await checkpointsOf(targets);
    const from = after ?? slowest(states);
    const head = onProgress === undefined ? 0n : await headPosition(store);
    let events = 0;
    let position = from;
    for await (const batch of readAllInBatches(store, { fromPosition: from + 1n, batchSize })) {
      await apply(targets, batch, {
        ...(versionOf === undefined ? {} : { versionOf }),
        durable: false,
        mostlyFolded,
      });
      events += batch.length;
      position = batch[batch.length - 1]?.position ?? position;
      onProgress?.({ position, head, events });
    }
    if (events === 0) {
      onProgress?.({ position, head, events });
      // Nothing new: still record each target at `versionOf` (plain: as current where it has
      // no checkpoint yet, see recordCheckpoints), writing only those not already so (a start with
      // nothing to fold then needs no write lock).
      const unrecorded = new Map(
        states.flatMap((s) => {
          const version = versionOf?.(s.projection) ?? s.projection.version;
          return s.checkpoint?.version === version
            ? []
            : [[s.projection.name, { version, position: s.checkpoint?.position ?? 0n }] as const];
        }),
      );
      if (unrecorded.size > 0)
        await readModels.transaction((tx) => recordCheckpoints(tx, unrecorded, versionOf));
    }
    return { events, position };
  };

  /**
   * Ends what a rebuild started: waits until every writer that may have skipped these rows while
   * they said REBUILDING has committed, folds everything after the settling checkpoint, and only
   * then puts the checkpoint at the code version. Until then it says settling, so nothing moves
   * it past what is still unfolded, and a rebuild stopped here is settled by the next start.
   */
  const settle = async (targets: readonly AnyProjection[], after: bigint) => {
    // On PostgreSQL the head is the horizon: no writer still in flight can commit below it.
    await headPosition(store);
    const folded = await catchUp(targets, undefined, {
      versionOf: settlingVersion,
      mostlyFolded: inline,
      after,
    });
    await readModels.transaction((tx) =>
      tx.setCheckpoints(
        new Map(targets.map((p) => [p.name, { version: p.version, position: folded.position }])),
      ),
    );
    return folded;
  };

  /**
   * Drops `targets`' rows and folds the whole log again. While it runs the checkpoints say
   * REBUILDING, so inline writers leave these rows alone; then settling, while a last pass
   * folds what was appended meanwhile. Every target is cleared in one transaction: engines that
   * start together on a new projection version each rebuild, and a refill must never meet one
   * table cleared under it while another still holds the task's rows (it would fold onto
   * nothing without seeing a gap).
   *
   * The task index is always rebuilt with the others: inline writers learn from its rows which
   * events a task's rows already hold, and fill any gap from the stream. While settling, a row
   * lacks the events skipped during the refill; if the index had kept folding them, a task's
   * next event would be folded over that gap, and the last pass would then skip the events in
   * it as already folded.
   */
  const rebuildNow = async (
    requested: readonly AnyProjection[] = projections,
    onProgress?: (p: Progress) => void,
  ) => {
    const index = projections.find((p) => p.name === taskIndex.name);
    const targets = index === undefined || requested.includes(index) ? requested : [index, ...requested];
    await readModels.prepare(targets.map(tableOf));
    // Marked in the clear's own transaction: never empty and unmarked, which a start would take for new.
    await readModels.clear(
      targets.map((p) => p.name),
      { version: REBUILDING, position: 0n },
    );
    // Waiting for the head first makes every event committed before the rebuild readable to it
    // (PostgreSQL only reads positions no writer in flight can still fill in).
    await headPosition(store);
    const refill = () => catchUp(targets, onProgress, { versionOf: rebuildingVersion, after: 0n });
    const first = await (readModels.bulkRefill?.(targets.map(tableOf), refill) ?? refill());
    // Where appends commit beside it (PostgreSQL), this write waits for every one that read
    // REBUILDING: each holds the checkpoints until it commits (ReadModelTransaction
    // .lockCheckpoints). So the last pass below sees the events they skipped, and the appends
    // after it read settling and fold their own.
    await readModels.transaction((tx) =>
      tx.setCheckpoints(
        new Map(targets.map((p) => [p.name, { version: settling(p.version), position: first.position }])),
      ),
    );
    const last = await settle(targets, first.position);
    return { events: first.events + last.events };
  };

  /** One rebuild at a time across processes, where the store can lock (PostgreSQL, an SQLite file). */
  const oneAtATime = <T>(work: () => Promise<T>): Promise<T> =>
    readModels.exclusively?.('rebuild', work) ?? work();

  const rebuild = (requested: readonly AnyProjection[] = projections, onProgress?: (p: Progress) => void) =>
    oneAtATime(() => rebuildNow(requested, onProgress));

  /** The projections a start must rebuild (another version, or a rebuild that never ended), and settle. */
  const unfinished = async () => {
    const states = await checkpointsOf(projections);
    return {
      unsettled: states.filter((s) => isSettling(s.checkpoint, s.projection.version)),
      stale: states.filter(
        (s) =>
          s.checkpoint !== undefined &&
          !isCurrent(s.checkpoint, s.projection.version) &&
          !isSettling(s.checkpoint, s.projection.version),
      ),
    };
  };

  /**
   * Creates the tables, rebuilds any projection whose version changed, settles any rebuild that
   * stopped before its end, and catches up the rest. Engines that start together each find the
   * work; with the rebuild lock the first does it, and the others look again once it is done.
   */
  const prepare = async (onProgress?: (p: Progress) => void) => {
    await readModels.prepare(projections.map(tableOf));
    const found = await unfinished();
    if (found.stale.length > 0 || found.unsettled.length > 0) {
      await oneAtATime(async () => {
        const { stale, unsettled } = await unfinished();
        if (stale.length > 0)
          await rebuildNow(
            stale.map((s) => s.projection),
            onProgress,
          );
        if (unsettled.length > 0)
          await settle(
            unsettled.map((s) => s.projection),
            slowest(unsettled),
          );
      });
    }
    // Inline, the rows already hold most of what follows the checkpoint: inline writes move it
    // only now and then (SQLite's every thousand events, the engine's `advance` PostgreSQL's).
    await catchUp(projections, onProgress, { mostlyFolded: inline });
  };

  const { advance, advanced } = getCheckpointAdvancer({
    store,
    readModels,
    projections,
    enabled: advanceCheckpoints,
    advanceAfterMs,
  });

  const { follow, waitFor } = getAsyncFollower({
    store,
    batchSize,
    lingerMs,
    startAfter: async () => slowest(await checkpointsOf(projections)),
    apply: (batch) => apply(projections, batch, { durable: false }),
    reached: async (position) =>
      (await checkpointsOf(projections)).every((s) => (s.checkpoint?.position ?? 0n) >= position),
    onApplied: applied,
  });

  return { prepare, catchUp, rebuild, follow, waitFor, advance, advanced };
};
export type ProjectionRunner = ReturnType<typeof getProjectionRunner>;
