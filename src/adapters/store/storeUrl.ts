import { invalidRequest } from '../../domain/errors';

export const DEFAULT_SQLITE_PATH = '.taskledger/events.db';
export const DEFAULT_STORE = `sqlite:${DEFAULT_SQLITE_PATH}`;

/** Which store a URL names; parsing only, nothing is opened. */
export type StoreUrl =
  | { readonly kind: 'memory' }
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'postgres'; readonly connectionString: string; readonly schema?: string }
  | { readonly kind: 'eventstoredb'; readonly connectionString: string };

const invalidStore = (url: string, why: string) =>
  invalidRequest(`store URL ${JSON.stringify(url)} is not valid: ${why}`, 'store', { url });

// One letter before the colon is a drive (C:\…), two or more a scheme.
const SCHEME = /^([a-z][a-z0-9+.-]+):/i;

const parsePostgres = (url: string): StoreUrl => {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidStore(url, 'not a URL');
  }
  if (parsed.hostname === '' && !parsed.searchParams.has('host')) throw invalidStore(url, 'no host');
  // `schema` is ours, not libpq's: take it out before pg sees the string.
  const schema = parsed.searchParams.get('schema') ?? undefined;
  parsed.searchParams.delete('schema');
  return {
    kind: 'postgres',
    connectionString: parsed.toString(),
    ...(schema === undefined ? {} : { schema }),
  };
};

export const parseStoreUrl = (url: string): StoreUrl => {
  const trimmed = url.trim();
  if (trimmed === '') throw invalidStore(url, 'it is empty');
  const scheme = SCHEME.exec(trimmed)?.[1]?.toLowerCase();
  if (scheme === undefined) return { kind: 'sqlite', path: trimmed };
  const rest = trimmed.slice(scheme.length + 1);
  switch (scheme) {
    case 'memory':
      if (rest !== '') throw invalidStore(url, 'memory: takes nothing after the colon');
      return { kind: 'memory' };
    case 'sqlite': {
      // sqlite:path, sqlite:/abs/path and sqlite:///abs/path all name a file.
      const path = rest.startsWith('//') ? rest.slice(2) : rest;
      return { kind: 'sqlite', path: path === '' ? DEFAULT_SQLITE_PATH : path };
    }
    case 'postgres':
    case 'postgresql':
      return parsePostgres(trimmed);
    case 'esdb':
    case 'esdb+discover':
      if (!rest.startsWith('//') || rest.length <= 2) throw invalidStore(url, 'expected esdb://host:port');
      return { kind: 'eventstoredb', connectionString: trimmed };
    default:
      throw invalidStore(url, `unknown scheme ${scheme}: (use memory:, sqlite:, postgres://, esdb://)`);
  }
};
