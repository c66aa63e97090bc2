import * as t from 'io-ts';
import { isLeft } from 'fp-ts/Either';
import type { RowQuery } from '../../ports/readModelStore';
import { invalidRequest } from '../../domain/errors';

const Scalar = t.union([t.string, t.number]);
const ConditionCodec = t.union([
  t.type({ column: t.string, op: t.literal('in'), values: t.array(Scalar) }),
  t.type({
    column: t.string,
    op: t.keyof({ eq: null, gt: null, gte: null, lt: null, lte: null }),
    value: Scalar,
  }),
  t.type({
    column: t.string,
    op: t.keyof({ contains: null, notContains: null, regex: null }),
    value: t.string,
  }),
  t.type({ column: t.string, op: t.literal('containsAny'), values: t.array(t.string) }),
]);

/**
 * Kubeflow's page token: the sort, the filter and the (sort value, key) of the first row of the
 * next page. Opaque to callers (base64url JSON); when one is given, sort and filter come from it.
 */
const PageTokenCodec = t.type({
  v: t.literal(1),
  where: t.array(ConditionCodec),
  sort: t.type({ column: t.string, direction: t.keyof({ asc: null, desc: null }) }),
  from: t.type({ value: Scalar, key: t.string }),
});
export type PageToken = Pick<RowQuery, 'where' | 'sort'> & {
  readonly v: 1;
  readonly from: NonNullable<RowQuery['from']>;
};

export const encodePageToken = (token: PageToken): string =>
  Buffer.from(JSON.stringify(token), 'utf8').toString('base64url');

export const decodePageToken = (text: string): Omit<RowQuery, 'limit'> => {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw invalidRequest('invalid page_token', 'page_token');
  }
  const decoded = PageTokenCodec.decode(json);
  if (isLeft(decoded)) throw invalidRequest('invalid page_token', 'page_token');
  const token: PageToken = decoded.right;
  return { where: token.where, sort: token.sort, from: token.from };
};
