import { TaskledgerError } from '../domain/errors';

/**
 * What a writer believes about a stream before appending, checked atomically with the append
 * (EventStoreDB semantics): a revision (0-based, of the stream's last event), or one of three
 * sentinels. Every store honours all four.
 */
export type ExpectedRevision = bigint | 'no_stream' | 'stream_exists' | 'any';

export const ExpectedRevision = {
  noStream: 'no_stream',
  streamExists: 'stream_exists',
  any: 'any',
} as const;

/** `actual` is the revision of the stream's last event, or undefined when the stream does not exist. */
export const matchesExpectedRevision = (expected: ExpectedRevision, actual: bigint | undefined): boolean => {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return actual === undefined;
    case 'stream_exists':
      return actual !== undefined;
    default:
      return actual === expected;
  }
};

const show = (revision: ExpectedRevision | bigint | undefined) =>
  revision === undefined ? 'no_stream' : typeof revision === 'bigint' ? revision.toString() : revision;

export const conflict = (stream: string, expected: ExpectedRevision, actual: bigint | undefined) =>
  new TaskledgerError(
    'conflict',
    `stream ${stream}: expected revision ${show(expected)}, actual ${show(actual)}`,
    { stream, expected: show(expected), actual: show(actual) },
  );

export const assertExpectedRevision = (
  stream: string,
  expected: ExpectedRevision,
  actual: bigint | undefined,
) => {
  if (!matchesExpectedRevision(expected, actual)) throw conflict(stream, expected, actual);
};
