import type { WorkerEngine } from '../workers/workerDeps';

const PAGE_SIZE = 200;

/** Is this ISO time before the cutoff? By instant, not by text, so any ISO form compares right. */
export const isBefore = (time: unknown, cutoff: Date): boolean =>
  typeof time === 'string' && Date.parse(time) < cutoff.getTime();

/**
 * The ids of in_progress tasks whose `last_update` is before `cutoff`, stalest first, from the
 * task index (sorted by last_update, so the scan ends at the first fresh task). Keyset paging
 * stays correct while the caller stops the tasks it is given: they leave pages already read.
 */
export async function* staleTaskIds(
  engine: Pick<WorkerEngine, 'list'>,
  cutoff: Date,
): AsyncGenerator<string> {
  let pageToken = '';
  do {
    const page = await engine.list({
      status: ['in_progress'],
      sort_by: 'last_update asc',
      page_size: PAGE_SIZE,
      only_fields: ['last_update'],
      ...(pageToken === '' ? {} : { page_token: pageToken }),
    });
    for (const row of page.tasks) {
      if (!isBefore(row['last_update'], cutoff)) return;
      const id = row['id'];
      if (typeof id === 'string') yield id;
    }
    pageToken = page.next_page_token;
  } while (pageToken !== '');
}
