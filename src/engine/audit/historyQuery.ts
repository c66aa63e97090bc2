import * as t from 'io-ts';
import { isLeft } from 'fp-ts/Either';
import type { EventStore } from '../../ports/eventStore';
import { strictObject, decodeWith } from '../../domain/decode';
import { readHistory, HistoryEntry } from '../history';
import { EventType, IsoTime } from './auditCodecs';

/** Which part of a task's history to show: event types, and a time range (inclusive) on `metadata.at`. */
export const HistoryQuery = strictObject(
  'HistoryQuery',
  {},
  { types: t.array(EventType), from: IsoTime, to: IsoTime },
);
export type HistoryQueryInput = {
  readonly types?: readonly string[];
  /** ISO time: events at or after it. */
  readonly from?: string;
  /** ISO time: events at or before it. */
  readonly to?: string;
};

const decodeQuery = decodeWith(HistoryQuery, 'history query');

/** A task's history, filtered; every filter is optional, and none returns the whole history. */
export const queryHistory = async (
  store: EventStore,
  id: string,
  input: HistoryQueryInput = {},
): Promise<HistoryEntry[]> => {
  const decoded = decodeQuery(input);
  if (isLeft(decoded)) throw decoded.left;
  const { types, from, to } = decoded.right;
  const entries = await readHistory(store, id);
  return entries.filter((entry) => {
    const at = Date.parse(entry.metadata.at);
    return (
      (types === undefined || types.includes(entry.type)) &&
      (from === undefined || at >= from) &&
      (to === undefined || at <= to)
    );
  });
};
