import type { Task } from '../../domain/task';
import { isTaskledgerError } from '../../domain/errors';
import type { WorkerDeps, LoadedTaskState } from './workerDeps';

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
    const claimed = await deps.loadTask(id);
    if (claimed.state.kind !== 'live') return undefined;
    return { task: claimed.state.task, revision: result.revision };
  } catch (error) {
    if (lostTheRace(error)) return undefined;
    throw error;
  }
};

export type ClaimRound = {
  readonly claims: readonly Claim[];
  /** How many queued tasks the read model offered: more than 0 with no claim means others won them. */
  readonly offered: number;
};

/**
 * Claims up to `limit` tasks, oldest queued first (the read model's `status_changed` order,
 * which for a queued task is when it was enqueued), trying the next candidate after each lost race.
 */
export const claimNextTasks = async (
  deps: WorkerDeps,
  request: ClaimRequest,
  limit: number,
): Promise<ClaimRound> => {
  // A few more candidates than free slots: the first ones are the likeliest to be lost to others.
  const page = await deps.engine.list({
    status: ['queued'],
    queue: [...request.queues],
    sort_by: 'status_changed asc',
    page_size: limit + 16,
    only_fields: ['id'],
  });
  const claims: Claim[] = [];
  for (const row of page.tasks) {
    if (claims.length >= limit || request.stop?.aborted === true) break;
    const id = row['id'];
    if (typeof id !== 'string') continue;
    const claim = await claimTask(deps, id, request);
    if (claim !== undefined) claims.push(claim);
  }
  return { claims, offered: page.tasks.length };
};
