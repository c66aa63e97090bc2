import { invalidRequest, isTaskledgerError } from '../../../domain/errors';
import { storeUnavailable } from '../../../ports/storeErrors';

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EPIPE',
  'EAI_AGAIN',
]);
// SQLSTATE classes that mean "no usable connection": 08 connection, 28 authorization, 57P shutdown,
// 53300 too many connections, 3D000 no such database.
const UNAVAILABLE_STATES = [/^08/, /^28/, /^57P/, /^53300$/, /^3D000$/];
const UNAVAILABLE_MESSAGES = [
  /Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /pool after calling end/i,
];

export const postgresCode = (e: unknown): string | undefined =>
  typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : undefined;

export const isUniqueViolation = (e: unknown) => postgresCode(e) === '23505';
export const isDeadlock = (e: unknown) => postgresCode(e) === '40P01';

export const isPostgresUnavailable = (e: unknown): boolean => {
  const code = postgresCode(e);
  if (code !== undefined && (NETWORK_CODES.has(code) || UNAVAILABLE_STATES.some((state) => state.test(code))))
    return true;
  return e instanceof Error && UNAVAILABLE_MESSAGES.some((message) => message.test(e.message));
};

// jsonb cannot hold \u0000, which JSON allows: the request is fine elsewhere, not here.
const UNSTORABLE_JSON = new Set(['22P05', '22021']);

/**
 * Our errors pass through; a lost or refused connection becomes `store_unavailable`; data
 * PostgreSQL cannot store becomes `invalid_request`; anything else is a bug and stays as it is.
 */
export const fromPostgresError = (e: unknown): unknown => {
  if (isTaskledgerError(e)) return e;
  if (isPostgresUnavailable(e)) return storeUnavailable('postgres', e);
  const code = postgresCode(e);
  if (code !== undefined && UNSTORABLE_JSON.has(code)) {
    return invalidRequest(
      `PostgreSQL cannot store this event: ${e instanceof Error ? e.message : code}`,
      'events',
    );
  }
  return e;
};
