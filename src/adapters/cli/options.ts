/** Option parsers: values stay as typed as the user wrote them, so io-ts can say what is wrong. */

/** "3" → 3; "abc" stays "abc" so the decoder reports `expected a number, got "abc"`. */
export const numberish = (value: string): number | string => {
  const n = Number(value);
  return value.trim() !== '' && Number.isFinite(n) ? n : value;
};

/** "a,b,,c" → ["a", "b", "c"] */
export const list = (value: string): string[] =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

/** Repeatable `--param key=value`. */
export const keyValue = (value: string, previous: Record<string, string | number | boolean> = {}) => {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new Error(`expected key=value, got ${JSON.stringify(value)}`);
  const raw = value.slice(eq + 1);
  const parsed = raw === 'true' ? true : raw === 'false' ? false : numberish(raw);
  return { ...previous, [value.slice(0, eq)]: parsed };
};

/** Repeatable `--log name=uri`. */
export const namedLog = (value: string, previous: { name: string; uri: string }[] = []) => {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new Error(`expected name=uri, got ${JSON.stringify(value)}`);
  return [...previous, { name: value.slice(0, eq), uri: value.slice(eq + 1) }];
};
