import { isLeft } from 'fp-ts/Either';
import type { EventStore, ReadStreamOptions } from '../../ports/eventStore';
import { strictObject, decodeWith } from '../../domain/decode';
import { TaskledgerError, invalidRequest, notFound } from '../../domain/errors';
import { foldingEvolve } from '../../domain/evolve';
import { initialState, TaskState } from '../../domain/taskState';
import { streamNameOf, Task } from '../../domain/task';
import { decodeRecorded } from '../taskStreams';
import { IsoTime, NonNegativeBigInt } from './auditCodecs';

/** A moment in a task's life: after the event at `revision`, or after the last event at or before `at`. */
export type StateAtQuery = { readonly revision: bigint | number | string } | { readonly at: string };

const StateAtCodec = strictObject('StateAtQuery', {}, { revision: NonNegativeBigInt, at: IsoTime });
const decodeQuery = decodeWith(StateAtCodec, 'state-at query');

const parse = (input: unknown): { revision: bigint } | { at: number } => {
  const decoded = decodeQuery(input);
  if (isLeft(decoded)) throw decoded.left;
  const { revision, at } = decoded.right;
  if ((revision === undefined) === (at === undefined)) {
    throw invalidRequest('state-at needs exactly one of revision and at', revision === undefined ? '' : 'at');
  }
  return revision !== undefined ? { revision } : { at: at ?? 0 };
};

const documentOf = (id: string, state: TaskState, when: string): Task => {
  if (state.kind === 'live') return state.task;
  if (state.kind === 'deleted') {
    throw new TaskledgerError('not_found', `task ${id} was deleted ${when}`, {
      id,
      deleted: true,
      deletedAt: state.task.last_update,
    });
  }
  throw notFound(id);
};

/**
 * The task document as it was at a revision or a moment, by folding its stream up to there: the
 * same fold `get` uses, stopped early. A deleted task's earlier states stay readable; before its
 * first event a task is `not_found`.
 */
export const stateAt = async (store: EventStore, id: string, input: StateAtQuery): Promise<Task> => {
  const query = parse(input);
  const options: ReadStreamOptions = 'revision' in query ? { toRevision: query.revision } : {};
  const evolve = foldingEvolve();
  let state: TaskState = initialState;
  let last: bigint | undefined;
  for await (const recorded of store.readStream(streamNameOf(id), options)) {
    const event = decodeRecorded(recorded);
    // The first event after `at` ends the walk, so the answer is always a prefix of the history:
    // a state the task really had, even if a worker's skewed clock wrote an earlier time later on.
    if ('at' in query && Date.parse(event.metadata.at) > query.at) break;
    state = evolve(state, event);
    last = recorded.revision;
  }
  if ('revision' in query) {
    if (last === undefined) throw notFound(id);
    if (last < query.revision) {
      throw invalidRequest(`task ${id} has no revision ${query.revision} (its last is ${last})`, 'revision', {
        lastRevision: last.toString(),
      });
    }
    return documentOf(id, state, `at or before revision ${query.revision}`);
  }
  return documentOf(id, state, `at or before ${new Date(query.at).toISOString()}`);
};
