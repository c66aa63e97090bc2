import type { AbortWhy } from './abortReason';

/** How a handler came back. */
export type HandlerOutcome =
  | { readonly kind: 'returned'; readonly value: unknown }
  | { readonly kind: 'threw'; readonly error: unknown };

/** What the worker records for a run. */
export type Ending =
  | { readonly kind: 'completed'; readonly result?: string }
  | { readonly kind: 'failed'; readonly error: string }
  | { readonly kind: 'stopped' }
  | { readonly kind: 'requeued' }
  | { readonly kind: 'lost' };

/** `completed` stores a string result: text as it is, anything else as JSON. */
export const resultText = (value: unknown): string | undefined => {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  } catch {
    return String(value);
  }
};

export const errorText = (error: unknown): string => {
  if (error instanceof Error) return error.message === '' ? error.name : error.message;
  const text = String(error);
  return text === '' ? 'failed' : text;
};

/**
 * Once the signal has fired, the stop wins over whatever the handler did: a handler that
 * finishes its work anyway, or throws because it was interrupted, still ends stopped.
 */
export const endingOf = (outcome: HandlerOutcome, aborted: AbortWhy | undefined): Ending => {
  if (aborted === 'lost') return { kind: 'lost' };
  if (aborted === 'closing') return { kind: 'requeued' };
  if (aborted === 'stop_requested') return { kind: 'stopped' };
  if (outcome.kind === 'threw') return { kind: 'failed', error: errorText(outcome.error) };
  const result = resultText(outcome.value);
  return result === undefined ? { kind: 'completed' } : { kind: 'completed', result };
};
