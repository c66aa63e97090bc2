/**
 * What one stdout line of a `worker --exec` command means:
 * - `metric <name> <variant> <value> [iteration]` a metric report,
 * - `progress <percentage> [step…]` progress (with a completed step when words follow),
 * - anything else a log line.
 * A line that starts like a report but does not parse is kept as a log line, with a warning.
 */
export type ExecLine =
  | {
      readonly kind: 'metric';
      readonly metric: string;
      readonly variant: string;
      readonly value: number;
      readonly iteration?: number;
    }
  | { readonly kind: 'progress'; readonly percentage: number; readonly step?: string }
  | { readonly kind: 'log'; readonly text: string; readonly warning?: string };

const number = (text: string | undefined) =>
  text !== undefined && text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : undefined;

export const parseExecLine = (line: string): ExecLine => {
  const words = line.trim().split(/\s+/);
  const [keyword, ...rest] = words;
  if (keyword === 'metric') {
    const [metric, variant, valueText, iterationText, ...extra] = rest;
    const value = number(valueText);
    const iteration = number(iterationText);
    const iterationOk =
      iterationText === undefined || (iteration !== undefined && Number.isSafeInteger(iteration));
    if (
      metric !== undefined &&
      variant !== undefined &&
      value !== undefined &&
      iterationOk &&
      extra.length === 0
    ) {
      return { kind: 'metric', metric, variant, value, ...(iteration === undefined ? {} : { iteration }) };
    }
    return { kind: 'log', text: line, warning: 'expected "metric <name> <variant> <value> [iteration]"' };
  }
  if (keyword === 'progress') {
    const [percentageText, ...step] = rest;
    const percentage = number(percentageText);
    if (percentage !== undefined && percentage >= 0 && percentage <= 100) {
      return { kind: 'progress', percentage, ...(step.length === 0 ? {} : { step: step.join(' ') }) };
    }
    return { kind: 'log', text: line, warning: 'expected "progress <0..100> [step]"' };
  }
  return { kind: 'log', text: line };
};
