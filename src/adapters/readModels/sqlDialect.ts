import type { Condition, RowQuery } from '../../ports/readModelStore';

/** Where SQLite and PostgreSQL differ for the read-model queries. */
export type SqlDialect = {
  readonly param: (index: number) => string;
  readonly contains: (column: string, param: string) => string;
  readonly regex: (column: string, param: string) => string;
};

export const sqliteDialect: SqlDialect = {
  param: () => '?',
  contains: (column, param) => `instr(${column}, ${param}) > 0`,
  regex: (column, param) => `${column} REGEXP ${param}`,
};

export const postgresDialect: SqlDialect = {
  param: (index) => `$${index}`,
  contains: (column, param) => `strpos(${column}, ${param}) > 0`,
  regex: (column, param) => `${column} ~ ${param}`,
};

/** Column names come from projection definitions, never from users; still, allow only identifiers. */
export const identifier = (name: string) => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not an identifier: ${name}`);
  return `"${name}"`;
};

export const tableName = (projection: string) => identifier(`rm_${projection}`);

/** Operators whose condition is never true of a NULL column (NOT and REGEXP may be). */
const nullRejecting: ReadonlySet<Condition['op']> = new Set([
  'in',
  'eq',
  'gt',
  'gte',
  'lt',
  'lte',
  'contains',
  'containsAny',
]);

/** Builds the WHERE, ORDER BY and LIMIT of a row query with numbered parameters. */
export const buildRowQuery = (dialect: SqlDialect, query: RowQuery) => {
  const params: (string | number)[] = [];
  const p = (value: string | number) => {
    params.push(value);
    return dialect.param(params.length);
  };
  const condition = (c: Condition): string => {
    const column = identifier(c.column);
    switch (c.op) {
      case 'in':
        return c.values.length === 0 ? 'FALSE' : `${column} IN (${c.values.map(p).join(', ')})`;
      case 'eq':
        return `${column} = ${p(c.value)}`;
      case 'gt':
        return `${column} > ${p(c.value)}`;
      case 'gte':
        return `${column} >= ${p(c.value)}`;
      case 'lt':
        return `${column} < ${p(c.value)}`;
      case 'lte':
        return `${column} <= ${p(c.value)}`;
      case 'contains':
        return dialect.contains(column, p(c.value));
      case 'notContains':
        return `NOT (${dialect.contains(column, p(c.value))})`;
      case 'containsAny':
        return c.values.length === 0
          ? 'FALSE'
          : `(${c.values.map((v) => dialect.contains(column, p(v))).join(' OR ')})`;
      case 'regex':
        return dialect.regex(column, p(c.value));
    }
  };
  // A tombstone (deleted task) keeps its key but has NULL in every column, so a condition that
  // NULL fails already leaves it out; saying so again would make a count read every row's doc
  // instead of counting index entries.
  const excludesTombstones = query.where.some((c) => c.column !== 'key' && nullRejecting.has(c.op));
  const filters = [...(excludesTombstones ? [] : ['doc IS NOT NULL']), ...query.where.map(condition)];
  const countParams = params.length;
  const sort = identifier(query.sort.column);
  const direction = query.sort.direction === 'asc' ? 'ASC' : 'DESC';
  const keyset =
    query.from === undefined
      ? []
      : [
          `(${sort} ${query.sort.direction === 'asc' ? '>' : '<'} ${p(query.from.value)} OR (${sort} = ${p(query.from.value)} AND "key" ${query.sort.direction === 'asc' ? '>=' : '<='} ${p(query.from.key)}))`,
        ];
  return {
    where: filters.join(' AND '),
    countParams: params.slice(0, countParams),
    pageWhere: [...filters, ...keyset].join(' AND '),
    orderBy: `${sort} ${direction}, "key" ${direction}`,
    limit: p(query.limit),
    params,
    sortColumn: sort,
  };
};
