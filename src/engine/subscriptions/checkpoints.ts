import * as t from 'io-ts';
import { isLeft } from 'fp-ts/Either';
import { randomUUID } from 'node:crypto';
import type { EventStore } from '../../ports/eventStore';
import { TaskledgerError, isTaskledgerError, corruptEvent } from '../../domain/errors';
import { NonNegativeBigInt } from '../audit/auditCodecs';

/**
 * A durable subscriber's checkpoints live in the store it reads, in a stream of their own: any
 * store can hold them, and they move with the log. Not prefixed `task-`, so neither verify,
 * export nor subscribers ever see them.
 */
export const checkpointStreamOf = (name: string) => `$checkpoint-${name}`;

export const CHECKPOINT_STORED = 'CheckpointStored';
const CheckpointStored = t.type({ position: NonNegativeBigInt });

/** The last checkpoint and the revision it sits at: the expected revision of the next one. */
export type Checkpoint = { readonly revision: bigint; readonly position: bigint };

export const readCheckpoint = async (store: EventStore, name: string): Promise<Checkpoint | undefined> => {
  for await (const event of store.readStream(checkpointStreamOf(name), {
    direction: 'backwards',
    maxCount: 1,
  })) {
    const decoded = CheckpointStored.decode(event.data);
    if (event.type !== CHECKPOINT_STORED || isLeft(decoded))
      throw corruptEvent(event.position, `not a ${CHECKPOINT_STORED} event`, { stream: event.streamName });
    return { revision: event.revision, position: decoded.right.position };
  }
  return undefined;
};

/**
 * Stores `position` as handled, expecting the checkpoint read or written last: a second process
 * under the same name gets `conflict` instead of both silently moving one checkpoint.
 */
export const storeCheckpoint = async (
  store: EventStore,
  name: string,
  position: bigint,
  previous: Checkpoint | undefined,
  at: string,
): Promise<Checkpoint> => {
  const stream = checkpointStreamOf(name);
  try {
    const result = await store.appendToStream(
      stream,
      [
        {
          id: randomUUID(),
          type: CHECKPOINT_STORED,
          data: { position: position.toString() },
          metadata: { at },
        },
      ],
      { expectedRevision: previous?.revision ?? 'no_stream' },
    );
    return { revision: result.nextExpectedRevision, position };
  } catch (error) {
    if (isTaskledgerError(error) && error.code === 'conflict') {
      throw new TaskledgerError('conflict', `subscriber ${name} is checkpointed by another process too`, {
        ...error.details,
        subscriber: name,
      });
    }
    throw error;
  }
};
