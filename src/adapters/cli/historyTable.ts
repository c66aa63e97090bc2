import type { HistoryEntry } from '../../engine/history';

const summaryOf = (entry: HistoryEntry): string => {
  const data = entry.data as Record<string, unknown>;
  const parts: string[] = [];
  if (typeof data['from'] === 'string' && typeof data['to'] === 'string')
    parts.push(`${data['from']} → ${data['to']}`);
  if (data['forced'] === true) parts.push('FORCED');
  for (const key of ['queue', 'worker', 'error', 'result', 'percentage', 'status_message'] as const) {
    const value = data[key];
    if (value !== undefined && value !== '') parts.push(`${key}=${String(value)}`);
  }
  if (Array.isArray(data['metrics'])) parts.push(`${data['metrics'].length} metric value(s)`);
  if (typeof data['changes'] === 'object' && data['changes'] !== null)
    parts.push(`changed ${Object.keys(data['changes']).join(', ')}`);
  if (typeof data['name'] === 'string' && entry.type === 'TaskCreated') parts.push(`"${data['name']}"`);
  return parts.join('  ');
};

/** A task's history as an aligned table for a terminal. */
export const historyTable = (entries: readonly HistoryEntry[]): string => {
  const rows = entries.map((e) => [
    e.revision.toString(),
    e.position.toString(),
    e.metadata.at,
    e.metadata.actor,
    e.type,
    summaryOf(e),
  ]);
  const header = ['rev', 'pos', 'at', 'actor', 'event', 'details'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
};
