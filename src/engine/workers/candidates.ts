import type { WorkerEngine } from './workerDeps';

/** How long after seeing another worker claim from our queues a worker keeps spreading its picks. */
export const SPREAD_FOR_MS = 5_000;

const isString = (value: unknown): value is string => typeof value === 'string';

/** Which of `shares` a task falls in: the same answer in every worker (FNV-1a of its id). */
export const shareOf = (taskId: string, shares: number): number => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < taskId.length; i++) hash = Math.imul(hash ^ taskId.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % shares;
};

export type CandidateWindowOptions = {
  readonly queues: readonly string[];
  readonly size: number;
  /** This worker's id: with the ids of the workers seen competing, it decides this worker's share. */
  readonly workerId: string;
  readonly now?: () => number;
  readonly random?: () => number;
};

/**
 * The oldest queued tasks of a worker's queues, as last listed, less those the subscription has
 * since seen leave `queued`. Listed once (one page in index order, not counted), the window
 * serves many claims and is listed again only when it runs short (and older tasks may exist
 * beyond it) or something was queued since it ran dry.
 *
 * Alone, a worker takes the oldest first. When others claim from the same queues, all of them
 * taking the oldest would make every worker chase the same few tasks and lose most of its
 * compare-and-set claims. So while competition is seen, the workers split the window: each
 * knows the others from their claims, and takes the tasks that fall in its own share (by a hash
 * of the task id, the same in every worker), listing again when its share runs short. What a
 * fresh list cannot fill from its own share it takes from the others', at random, so that no
 * task waits on a worker that went away. Still among the oldest queued.
 */
export const getCandidateWindow = (engine: Pick<WorkerEngine, 'list'>, options: CandidateWindowOptions) => {
  const { queues, size, workerId, now = Date.now, random = Math.random } = options;
  let ids: string[] = [];
  // The last list saw every queued task: nothing older waits beyond the window.
  let complete = false;
  // Something was queued since the last list: only a new list can offer it.
  let queuedSince = true;
  let competedAt = Number.NEGATIVE_INFINITY;
  // Other workers seen claiming from the window, and when.
  const peers = new Map<string, number>();

  const refresh = async () => {
    queuedSince = false;
    const page = await engine.list({
      status: ['queued'],
      queue: [...queues],
      sort_by: 'status_changed asc',
      page_size: size,
      only_fields: ['id'],
      count_total: false,
    });
    ids = page.tasks.map((row) => row['id']).filter(isString);
    complete = page.next_page_token === '';
  };

  const spreading = () => now() - competedAt < SPREAD_FOR_MS;

  /** While splitting with workers seen lately, whether a task is in this worker's share. */
  const ownShare = (): ((id: string) => boolean) | undefined => {
    if (!spreading()) return undefined;
    const seen = [...peers].filter(([, at]) => now() - at < SPREAD_FOR_MS).map(([id]) => id);
    if (seen.length === 0) return undefined;
    const all = [...seen, workerId].sort();
    const index = all.indexOf(workerId);
    return (id) => shareOf(id, all.length) === index;
  };

  /** What the window offers before a new list would: while splitting, only this worker's share. */
  const offered = () => {
    const mine = ownShare();
    return mine === undefined ? ids.length : ids.filter(mine).length;
  };

  /** Removes and returns `count` picks (fewer when the window holds fewer). */
  const pick = (count: number): string[] => {
    if (!spreading()) return ids.splice(0, count);
    const picked: string[] = [];
    const mine = ownShare();
    if (mine !== undefined) {
      for (let i = 0; i < ids.length && picked.length < count;) {
        if (mine(ids[i] as string)) picked.push(...ids.splice(i, 1));
        else i++;
      }
    }
    while (picked.length < count && ids.length > 0) {
      const [id] = ids.splice(Math.floor(random() * ids.length), 1);
      if (id !== undefined) picked.push(id);
    }
    return picked;
  };

  return {
    /**
     * Up to `count` task ids to try, listing again first (if `mayList`) when the window cannot
     * offer that many and a list may find more. `listed` says whether it listed.
     */
    take: async (count: number, mayList = true): Promise<{ ids: string[]; listed: boolean }> => {
      const listed = mayList && offered() < count && (queuedSince || !complete);
      if (listed) await refresh();
      return { ids: pick(count), listed };
    },
    /** A task left `queued` (claimed, stopped, deleted…): not a candidate any more. Was it one? */
    forget: (id: string): boolean => {
      const at = ids.indexOf(id);
      if (at >= 0) ids.splice(at, 1);
      return at >= 0;
    },
    /** A task was queued (or queued again): the next time the window runs short, list again. */
    queued: () => {
      queuedSince = true;
    },
    /**
     * Another worker claims from these queues (or won a task from us): spread for a while. Named,
     * it takes a share of the window from now on, until it has not been seen for a while.
     */
    competed: (otherWorkerId?: string) => {
      competedAt = now();
      if (otherWorkerId !== undefined && otherWorkerId !== workerId) peers.set(otherWorkerId, competedAt);
    },
    get size() {
      return ids.length;
    },
  };
};
export type CandidateWindow = ReturnType<typeof getCandidateWindow>;
