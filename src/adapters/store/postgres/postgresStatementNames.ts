import { createHash } from 'node:crypto';

const names = new Map<string, string>();
// Each name is a statement prepared on every pooled connection that runs it: bounded, so a
// process that opens many schemas (tests, tools) stops naming new texts instead of growing.
const MAX_NAMES = 128;

/**
 * A name for a statement text, so that PostgreSQL parses and plans it once per connection
 * instead of on every run (planning a short read costs more than running it). The name comes
 * from the text, so stores sharing a pool never give two texts one name; undefined once the
 * bound is reached (the statement then runs unnamed).
 */
export const statementName = (text: string): string | undefined => {
  const known = names.get(text);
  if (known !== undefined || names.size >= MAX_NAMES) return known;
  const name = `taskledger_${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;
  names.set(text, name);
  return name;
};
