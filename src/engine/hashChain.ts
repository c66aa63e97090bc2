import { createHash } from 'node:crypto';
import { canonicalJson } from './canonicalJson';

/** The hash before a stream's first event. */
export const GENESIS_HASH = '';

type Hashable = {
  readonly type: string;
  readonly data: unknown;
  readonly metadata: Readonly<Record<string, unknown>>;
};

/**
 * sha256 over the previous event's hash and the canonical JSON of this event's type, data and
 * metadata without the hash itself: changing, removing or reordering an event breaks the chain.
 */
export const hashEvent = (previousHash: string, event: Hashable): string => {
  const { hash: _hash, ...metadata } = event.metadata;
  return createHash('sha256')
    .update(previousHash)
    .update(canonicalJson({ type: event.type, data: event.data, metadata }))
    .digest('hex');
};
