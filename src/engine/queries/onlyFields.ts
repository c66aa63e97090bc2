/** ClearML's only_fields: the named fields (dot paths reach inside), always with the id. */
export const pickFields = (
  doc: Readonly<Record<string, unknown>>,
  fields: readonly string[],
): Record<string, unknown> => {
  const out: Record<string, unknown> = { id: doc['id'] };
  for (const path of fields) {
    const parts = path.split('.');
    let source: unknown = doc;
    for (const part of parts)
      source =
        typeof source === 'object' && source !== null ? (source as Record<string, unknown>)[part] : undefined;
    if (source === undefined) continue;
    let target = out;
    for (const part of parts.slice(0, -1)) {
      const next = target[part];
      target = (target[part] = typeof next === 'object' && next !== null ? next : {}) as Record<
        string,
        unknown
      >;
    }
    target[parts[parts.length - 1] ?? path] = source;
  }
  return out;
};
