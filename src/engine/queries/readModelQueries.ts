import type { ReadModelStore } from '../../ports/readModelStore';
import type { Task } from '../../domain/task';
import { notFound } from '../../domain/errors';
import { taskIndex } from '../../projections/taskIndex';
import { executions as executionsProjection, Execution, TaskExecutions } from '../../projections/executions';
import { lastMetrics as lastMetricsProjection, TaskLastMetrics } from '../../projections/lastMetrics';
import { toRowQuery } from './listQuery';
import { encodePageToken } from './pageToken';
import { pickFields } from './onlyFields';

export type TaskList = {
  readonly tasks: readonly Record<string, unknown>[];
  readonly next_page_token: string;
  /** Every task that matches, on all pages; absent when the request said `count_total: false`. */
  readonly total_size?: number;
};

/** get, list, executions and last metrics, served from the read models. */
export const getReadModelQueries = (readModels: ReadModelStore) => {
  const get = async (id: string): Promise<Task> => {
    const task = await readModels.get<Task>(taskIndex.name, id);
    if (task === undefined) throw notFound(id);
    return task;
  };

  /** Reads one row more than asked: if it comes, it starts the next page (Kubeflow's keyset token). */
  const list = async (request: unknown = {}): Promise<TaskList> => {
    const { query, onlyFields } = toRowQuery(request);
    const page = await readModels.query<Task>(taskIndex.name, { ...query, limit: query.limit + 1 });
    const rows = page.rows.slice(0, query.limit);
    const next = page.rows[query.limit];
    return {
      tasks: rows.map((r) => (onlyFields === undefined ? r.doc : pickFields(r.doc, onlyFields))),
      next_page_token:
        next === undefined
          ? ''
          : encodePageToken({
              v: 1,
              where: [...query.where],
              sort: query.sort,
              from: { value: next.sortValue, key: next.key },
            }),
      ...(page.total === undefined ? {} : { total_size: page.total }),
    };
  };

  /** All attempts, newest first. */
  const executions = async (taskId: string): Promise<Execution[]> => {
    const doc = await readModels.get<TaskExecutions>(executionsProjection.name, taskId);
    if (doc === undefined) throw notFound(taskId);
    return [...doc.attempts].reverse();
  };

  const execution = async (taskId: string, attempt: number): Promise<Execution> => {
    const found = (await executions(taskId)).find((e) => e.attempt === attempt);
    if (found === undefined) throw notFound(`${taskId} attempt ${attempt}`);
    return found;
  };

  const lastMetrics = async (taskId: string): Promise<TaskLastMetrics> => {
    const doc = await readModels.get<TaskLastMetrics>(lastMetricsProjection.name, taskId);
    if (doc === undefined) throw notFound(taskId);
    return doc;
  };

  return { get, list, executions, execution, lastMetrics };
};
