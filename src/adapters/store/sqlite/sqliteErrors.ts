import { storeUnavailable } from '../../../ports/storeErrors';
import { isTaskledgerError } from '../../../domain/errors';

// Failures of the file or the lock, not of the request: the caller can retry once the store is back.
const UNAVAILABLE = [
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_CANTOPEN',
  'SQLITE_IOERR',
  'SQLITE_FULL',
  'SQLITE_CORRUPT',
  'SQLITE_NOTADB',
  'SQLITE_READONLY',
  'SQLITE_PERM',
];

const sqliteCode = (e: unknown): string | undefined =>
  typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : undefined;

export const isUniqueViolation = (e: unknown) => sqliteCode(e) === 'SQLITE_CONSTRAINT_UNIQUE';

export const isBusy = (e: unknown) => sqliteCode(e)?.startsWith('SQLITE_BUSY') === true;

/** Our errors pass through; an unavailable file or lock becomes `store_unavailable`; anything else is a bug and stays as it is. */
export const fromSQLiteError = (e: unknown): unknown => {
  if (isTaskledgerError(e)) return e;
  const code = sqliteCode(e);
  if (code !== undefined && UNAVAILABLE.some((prefix) => code.startsWith(prefix)))
    return storeUnavailable('sqlite', e);
  return e;
};
