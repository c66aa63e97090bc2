import type { Task } from '../../domain/task';
import { isTaskledgerError } from '../../domain/errors';
import type { WorkerDeps, LoadedTaskState } from './workerDeps';
import type { CandidateWindow } from './candidates';

/** A task this worker won: the task as it was right after the claim, and the claim's revision. */
export type Claim = { readonly task: Task; readonly revision: bigint };

export type ClaimRequest = {
  readonly workerId: string;
  readonly queues: readonly string[];
  /** Claiming stops when this fires (the worker is closing): no new task is taken on. */
  readonly stop?: AbortSignal;
};

const queuedIn = (
  loaded: LoadedTaskState,
  queues: readonly string[],
): loaded is LoadedTaskState & {
  state: { kind: 'live'; task: Task };
  revision: bigint;
} =>
  loaded.state.kind === 'live' &&
  loaded.revision !== undefined &&
  loaded.state.task.status === 'queued' &&
  queues.includes(loaded.state.task.queue ?? 'default');

/** Someone else got there first, or the task went away: not ours, try the next. */
const lostTheRace = (error: unknown) =>
  isTaskledgerError(error) && ['conflict', 'invalid_transition', 'not_found'].includes(error.code);

/**
 * Claims one task: `started` appended at the revision where this worker saw it queued. The
 * store checks the revision atomically with the append, so of several workers claiming the same
 * task exactly one wins; the others get `conflict`. (Without the revision a second `started`
 * would be allowed: in_progress → in_progress is a legal re-assertion.)
 */
export const claimTask = async (
  deps: WorkerDeps,
  id: string,
  request: ClaimRequest,
): Promise<Claim | undefined> => {
  const loaded = await deps.loadTask(id);
  // The read model said queued; the stream is the truth, and reading it spares a doomed append.
  if (!queuedIn(loaded, request.queues)) return undefined;
  try {
    const result = await deps.engine.started(
      { id, worker: request.workerId },
      { actor: request.workerId, expectedRevision: loaded.revision },
    );
    // The engine folded its own append: no need to read the task back.
    const seen = deps.lastSeenTask?.(id);
    const claimed = seen?.revision === result.revision ? seen : await deps.loadTask(id);
    if (claimed.state.kind !== 'live') return undefined;
    return { task: claimed.state.task, revision: result.revision };
  } catch (error) {
    if (lostTheRace(error)) return undefined;
    throw error;
  }
};

export type ClaimRound = {
  readonly claims: readonly Claim[];
  /** How many candidates were tried: more than 0 with no claim means others won them. */
  readonly tried: number;
  /** Whether the round listed queued tasks (rather than only using the window's). */
  readonly listed: boolean;
};

/**
 * Claims up to `limit` tasks from the candidate window, all at once: their `started` appends
 * reach the store together, so its group commit writes them in one transaction (one fsync).
 * Each is still its own compare-and-set; a lost race only means trying the next candidates.
 */
export const claimNextTasks = async (
  deps: WorkerDeps,
  window: CandidateWindow,
  request: ClaimRequest,
  limit: number,
): Promise<ClaimRound> => {
  const claims: Claim[] = [];
  let tried = 0;
  let listed = false;
  while (claims.length < limit && request.stop?.aborted !== true) {
    // At most one list a round: if the read models lag (async projections), a list may offer
    // only tasks already claimed, and listing again at once would spin.
    const taken = await window.take(limit - claims.length, !listed);
    listed ||= taken.listed;
    if (taken.ids.length === 0) break;
    tried += taken.ids.length;
    const won = await Promise.all(taken.ids.map((id) => claimTask(deps, id, request)));
    for (const claim of won) if (claim !== undefined) claims.push(claim);
    if (won.includes(undefined)) window.competed();
  }
  return { claims, tried, listed };
};
