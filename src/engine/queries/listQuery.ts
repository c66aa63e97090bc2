import * as t from 'io-ts';
import { isLeft } from 'fp-ts/Either';
import type { Condition, RowQuery } from '../../ports/readModelStore';
import { strictObject, decodeWith } from '../../domain/decode';
import { Status } from '../../domain/status';
import { TaskId, TaskType } from '../../domain/task';
import { invalidRequest } from '../../domain/errors';
import { decodePageToken } from './pageToken';

/** The fields `sort_by` accepts, and the read-model column each sorts on. */
export const sortableFields: Readonly<Record<string, string>> = {
  id: 'key',
  name: 'name',
  status: 'status',
  type: 'type',
  project: 'project',
  created: 'created',
  started: 'started',
  completed: 'completed',
  status_changed: 'status_changed',
  last_update: 'last_update',
  last_iteration: 'last_iteration',
  progress_percentage: 'progress_percentage',
};

/** ClearML's get_all filters with Kubeflow's paging. */
export const ListRequest = strictObject(
  'list',
  {},
  {
    id: t.array(TaskId),
    name: t.string,
    status: t.array(Status),
    type: t.array(TaskType),
    project: t.array(t.string),
    parent: t.array(t.string),
    queue: t.array(t.string),
    tags: t.array(t.string),
    system_tags: t.array(t.string),
    status_changed: t.array(t.string),
    only_fields: t.array(t.string),
    page_size: t.Integer,
    page_token: t.string,
    sort_by: t.string,
    /** false: leave out `total_size`, which costs a read of every match; paging does not need it. */
    count_total: t.boolean,
  },
);
export type ListRequest = t.TypeOf<typeof ListRequest>;

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 200;

/** Kubeflow: 0 is the default, negative is an error, above the maximum is capped. */
export const pageSizeOf = (requested: number | undefined): number => {
  if (requested === undefined || requested === 0) return DEFAULT_PAGE_SIZE;
  if (requested < 0) throw invalidRequest('page_size must not be negative', 'page_size');
  return Math.min(requested, MAX_PAGE_SIZE);
};

/** "field", "field asc" or "field desc" (case-insensitive); ties are broken by id. */
export const parseSortBy = (sortBy: string | undefined): RowQuery['sort'] => {
  if (sortBy === undefined || sortBy.trim() === '') return { column: 'created', direction: 'asc' };
  const words = sortBy.trim().split(/\s+/);
  const [field = '', direction = 'asc', ...rest] = words;
  const column = sortableFields[field.toLowerCase()];
  const dir = direction.toLowerCase();
  if (rest.length > 0 || (dir !== 'asc' && dir !== 'desc')) {
    throw invalidRequest(`sort_by must be "field [asc|desc]", got ${JSON.stringify(sortBy)}`, 'sort_by');
  }
  if (column === undefined) {
    throw invalidRequest(`cannot sort by ${field}`, 'sort_by', { sortable: Object.keys(sortableFields) });
  }
  return { column, direction: dir };
};

/** `tags: ["a", "-b"]`: any of the plain tags, none of the `-` ones. */
const tagConditions = (column: string, tags: readonly string[] | undefined): Condition[] => {
  if (tags === undefined) return [];
  const include = tags.filter((t) => !t.startsWith('-')).map((t) => `|${t}|`);
  const exclude = tags.filter((t) => t.startsWith('-')).map((t) => `|${t.slice(1)}|`);
  return [
    ...(include.length === 0 ? [] : [{ column, op: 'containsAny' as const, values: include }]),
    ...exclude.map((value) => ({ column, op: 'notContains' as const, value })),
  ];
};

/** ClearML's status_changed range: [">=2026-01-01", "<2026-02-01"]. */
const rangeConditions = (column: string, bounds: readonly string[] | undefined): Condition[] =>
  (bounds ?? []).map((bound, i) => {
    const match = /^(>=|<=|>|<)\s*(.+)$/.exec(bound.trim());
    const value = match?.[2] ?? '';
    if (match === null || Number.isNaN(Date.parse(value))) {
      throw invalidRequest(
        `status_changed bounds look like ">=2026-01-01T00:00:00Z", got ${JSON.stringify(bound)}`,
        `status_changed.${i}`,
      );
    }
    const op = ({ '>=': 'gte', '>': 'gt', '<=': 'lte', '<': 'lt' } as const)[
      match[1] as '>=' | '>' | '<=' | '<'
    ];
    return { column, op, value: new Date(value).toISOString() };
  });

const inList = (column: string, values: readonly string[] | undefined): Condition[] =>
  values === undefined ? [] : [{ column, op: 'in', values }];

const nameCondition = (pattern: string | undefined): Condition[] => {
  if (pattern === undefined) return [];
  try {
    new RegExp(pattern);
  } catch {
    throw invalidRequest(`name is not a valid regular expression: ${pattern}`, 'name');
  }
  return [{ column: 'name', op: 'regex', value: pattern }];
};

/** Decodes a list request and turns it into a read-model query (sort and filter from the token, if any). */
export const toRowQuery = (input: unknown): { query: RowQuery; onlyFields?: readonly string[] } => {
  const decoded = decodeWith(ListRequest, 'list request')(input ?? {});
  if (isLeft(decoded)) throw decoded.left;
  const request = decoded.right;
  const limit = pageSizeOf(request.page_size);
  const onlyFields = request.only_fields === undefined ? {} : { onlyFields: request.only_fields };
  const count = request.count_total ?? true;
  if (request.page_token !== undefined && request.page_token !== '') {
    return { query: { ...decodePageToken(request.page_token), limit, count }, ...onlyFields };
  }
  const where: Condition[] = [
    ...inList('key', request.id),
    ...nameCondition(request.name),
    ...inList('status', request.status),
    ...inList('type', request.type),
    ...inList('project', request.project),
    ...inList('parent', request.parent),
    ...inList('queue', request.queue),
    ...tagConditions('tags', request.tags),
    ...tagConditions('system_tags', request.system_tags),
    ...rangeConditions('status_changed', request.status_changed),
  ];
  return { query: { where, sort: parseSortBy(request.sort_by), limit, count }, ...onlyFields };
};
