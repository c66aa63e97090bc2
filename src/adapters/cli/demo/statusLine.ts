import type { Engine } from '../../../engine/engine';
import { statuses, Status } from '../../../domain/status';

export type StatusCounts = Readonly<Record<Status, number>>;

/** How many of a project's tasks are in each status: one count query per status. */
export const countByStatus = async (engine: Engine, project: string): Promise<StatusCounts> => {
  const entries = await Promise.all(
    statuses.map(async (status) => {
      const page = await engine.list({
        project: [project],
        status: [status],
        page_size: 1,
        only_fields: ['id'],
      });
      return [status, page.total_size] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<Status, number>;
};

/** "queued 80  in_progress 8  completed 30 …", the statuses that have tasks. */
export const formatCounts = (counts: StatusCounts): string =>
  statuses
    .filter((status) => counts[status] > 0)
    .map((status) => `${status} ${counts[status]}`)
    .join('  ');

export const isSettled = (counts: StatusCounts) =>
  counts.queued === 0 && counts.in_progress === 0 && counts.created === 0;
