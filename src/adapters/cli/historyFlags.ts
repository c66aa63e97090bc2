import * as t from 'io-ts';
import { strictObject, NonEmptyString } from '../../domain/decode';
import type { HistoryQueryInput } from '../../engine/audit/historyQuery';
import { CommaList } from './flags';

/** `history` flags; the engine checks the types and times themselves. */
export const HistoryFlags = strictObject(
  'HistoryFlags',
  {},
  { json: t.boolean, type: CommaList, since: NonEmptyString, until: NonEmptyString },
);

export const historyQueryOf = (flags: t.TypeOf<typeof HistoryFlags>): HistoryQueryInput => ({
  ...(flags.type === undefined ? {} : { types: flags.type }),
  ...(flags.since === undefined ? {} : { from: flags.since }),
  ...(flags.until === undefined ? {} : { to: flags.until }),
});
