import * as t from 'io-ts';
import { Either, left, right, isLeft } from 'fp-ts/Either';
import { TaskledgerError, invalidRequest } from './errors';

/** `a.b.0` for the first failure, so a caller knows which field to fix. */
export const pathOf = (error: t.ValidationError): string =>
  error.context
    .map((entry) => entry.key)
    .filter((key) => key !== '')
    .join('.');

const describe = (error: t.ValidationError): string => {
  if (error.message !== undefined) return error.message;
  const last = error.context[error.context.length - 1];
  return `expected ${last?.type.name ?? 'a value'}, got ${JSON.stringify(error.value) ?? 'nothing'}`;
};

/** Decodes `input` with `codec`; a failure is `invalid_request` naming the failing path. */
export const decodeWith =
  <A, O>(codec: t.Type<A, O, unknown>, what: string) =>
  (input: unknown): Either<TaskledgerError, A> => {
    const result = codec.decode(input);
    if (!isLeft(result)) return right(result.right);
    const first = result.left[0];
    const path = first === undefined ? '' : pathOf(first);
    const reason = first === undefined ? 'invalid' : describe(first);
    return left(invalidRequest(`invalid ${what}${path ? ` at ${path}` : ''}: ${reason}`, path));
  };

type Required<P extends t.Props> = { [K in keyof P]: t.TypeOf<P[K]> };
type Optional<P extends t.Props> = { [K in keyof P]?: t.TypeOf<P[K]> };

/**
 * An object codec with required and optional fields that refuses unknown fields (a misspelt
 * option must fail, not vanish) and reports failures under the field's own name.
 */
export const strictObject = <R extends t.Props, O extends t.Props = Record<never, never>>(
  name: string,
  required: R,
  optional: O = {} as O,
): t.Type<Required<R> & Optional<O>, Required<R> & Optional<O>, unknown> => {
  type A = Required<R> & Optional<O>;
  const isObject = (u: unknown): u is Record<string, unknown> =>
    typeof u === 'object' && u !== null && !Array.isArray(u);
  // A set, not `key in required`: `in` also finds Object.prototype's members, which let a field
  // named `constructor` or `__proto__` through as known and then drop it.
  const known = new Set([...Object.keys(required), ...Object.keys(optional)]);
  const isKnown = (key: string) => known.has(key);
  // Taken apart once: `is` settles every event read back, and rebuilds read millions.
  const requiredFields = Object.entries(required);
  const optionalFields = Object.entries(optional);
  const holdsOnlyKnown = (u: Record<string, unknown>) => {
    for (const key of Object.keys(u)) if (!known.has(key)) return false;
    return true;
  };
  return new t.Type<A, A, unknown>(
    name,
    // The same checks as decoding, unknown fields included, so `is` holds exactly when decode succeeds.
    (u): u is A => {
      if (!isObject(u) || !holdsOnlyKnown(u)) return false;
      for (const [key, codec] of requiredFields) if (!codec.is(u[key])) return false;
      for (const [key, codec] of optionalFields) {
        const value = u[key];
        if (value !== undefined && !codec.is(value)) return false;
      }
      return true;
    },
    (u, context) => {
      if (!isObject(u)) return t.failure(u, context, `expected an object`);
      const out: Record<string, unknown> = {};
      const errors: t.Errors = [];
      for (const key of Object.keys(u)) {
        if (!isKnown(key)) {
          errors.push({
            value: u[key],
            context: [...context, { key, type: t.never, actual: u[key] }],
            message: `unknown field ${key}`,
          });
        }
      }
      const check = (key: string, codec: t.Mixed, optionalField: boolean) => {
        const value = u[key];
        if (optionalField && value === undefined) return;
        const result = codec.validate(value, [...context, { key, type: codec, actual: value }]);
        if (isLeft(result)) errors.push(...result.left);
        else out[key] = result.right;
      };
      for (const [key, codec] of requiredFields) check(key, codec, false);
      for (const [key, codec] of optionalFields) check(key, codec, true);
      return errors.length > 0 ? t.failures(errors) : t.success(out as A);
    },
    t.identity,
  );
};

/** A non-empty string. */
export const NonEmptyString = new t.Type<string, string, unknown>(
  'NonEmptyString',
  (u): u is string => typeof u === 'string' && u.length > 0,
  (u, c) =>
    typeof u === 'string' && u.length > 0 ? t.success(u) : t.failure(u, c, 'expected a non-empty string'),
  t.identity,
);
