import type { Condition, RowQuery } from '../../ports/readModelStore';

export type Values = Readonly<Record<string, string | number>>;

const compare = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);

/** Evaluates one condition against a row's column values, as the SQL stores do. */
export const matches = (values: Values, condition: Condition): boolean => {
  const actual = values[condition.column] ?? '';
  switch (condition.op) {
    case 'in':
      return condition.values.includes(actual);
    case 'eq':
      return actual === condition.value;
    case 'gt':
      return compare(actual, condition.value) > 0;
    case 'gte':
      return compare(actual, condition.value) >= 0;
    case 'lt':
      return compare(actual, condition.value) < 0;
    case 'lte':
      return compare(actual, condition.value) <= 0;
    case 'contains':
      return String(actual).includes(condition.value);
    case 'notContains':
      return !String(actual).includes(condition.value);
    case 'containsAny':
      return condition.values.some((v) => String(actual).includes(v));
    case 'regex':
      return new RegExp(condition.value).test(String(actual));
  }
};

/** Sorts by the query's column, ties broken by key in the same direction. */
export const sortRows = <R extends { key: string; values: Values }>(rows: R[], query: RowQuery): R[] => {
  const sign = query.sort.direction === 'asc' ? 1 : -1;
  return rows.sort(
    (a, b) =>
      sign *
      (compare(a.values[query.sort.column] ?? '', b.values[query.sort.column] ?? '') ||
        compare(a.key, b.key)),
  );
};

/** Keyset: the row is at or after `from` in the sort direction. */
export const atOrAfter = (row: { key: string; values: Values }, query: RowQuery): boolean => {
  if (query.from === undefined) return true;
  const order =
    compare(row.values[query.sort.column] ?? '', query.from.value) || compare(row.key, query.from.key);
  return query.sort.direction === 'asc' ? order >= 0 : order <= 0;
};
