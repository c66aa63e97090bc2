import type { EventStore } from '../../ports/eventStore';
import type { ExpectedRevision } from '../../ports/expectedRevision';
import { TaskledgerError, isTaskledgerError } from '../../domain/errors';
import { parseExportLine, toEventToAppend, ExportedEvent } from './exportedEvent';

export type ImportResult = { readonly events: number; readonly streams: number };

/** Consecutive lines of one stream with consecutive revisions: appended together. */
type Group = { readonly stream: string; readonly events: ExportedEvent[]; readonly lines: number[] };

const MAX_GROUP = 500;

const expectedBefore = (revision: bigint): ExpectedRevision =>
  revision === 0n ? 'no_stream' : revision - 1n;

const continues = (group: Group, event: ExportedEvent): boolean =>
  group.stream === event.stream &&
  group.events[group.events.length - 1]?.revision === event.revision - 1n &&
  group.events.length < MAX_GROUP;

const isConflict = (error: unknown): error is TaskledgerError =>
  isTaskledgerError(error) && error.code === 'conflict';

const lineConflict = (error: TaskledgerError, line: number) =>
  new TaskledgerError('conflict', `line ${line}: ${error.message}`, { ...error.details, line });

/**
 * Appends a group at the revisions it was exported with. The store's idempotency by event id makes
 * a re-import append nothing; a group that only partly landed before (an interrupted import)
 * conflicts as a whole, so it is retried one event at a time, each idempotent or new.
 */
const appendGroup = async (store: EventStore, group: Group): Promise<void> => {
  const first = group.events[0];
  if (first === undefined) return;
  try {
    await store.appendToStream(group.stream, group.events.map(toEventToAppend), {
      expectedRevision: expectedBefore(first.revision),
    });
    return;
  } catch (error) {
    if (!isConflict(error) || group.events.length === 1) {
      throw isConflict(error) ? lineConflict(error, group.lines[0] ?? 0) : error;
    }
  }
  for (const [i, event] of group.events.entries()) {
    try {
      await store.appendToStream(group.stream, [toEventToAppend(event)], {
        expectedRevision: expectedBefore(event.revision),
      });
    } catch (error) {
      throw isConflict(error) ? lineConflict(error, group.lines[i] ?? 0) : error;
    }
  }
};

/**
 * Loads exported lines into a store, keeping event ids, data and metadata, and each event's
 * revision (checked as the expected revision), so the copy's hash chains verify. Every line is
 * decoded before it is appended; a bad line stops the import with `invalid_request` naming it
 * (the lines before it are imported, and importing again is safe).
 */
export const importHistory = async (
  store: EventStore,
  lines: AsyncIterable<string> | Iterable<string>,
): Promise<ImportResult> => {
  const streams = new Set<string>();
  let events = 0;
  let lineNumber = 0;
  let group: Group | undefined;
  for await (const text of lines) {
    lineNumber++;
    if (text.trim() === '') continue;
    let event: ExportedEvent;
    try {
      event = parseExportLine(text, lineNumber);
    } catch (error) {
      // Everything before the bad line goes in, so fixing the line and importing again resumes.
      if (group !== undefined) await appendGroup(store, group);
      throw error;
    }
    if (group === undefined || !continues(group, event)) {
      if (group !== undefined) await appendGroup(store, group);
      group = { stream: event.stream, events: [], lines: [] };
    }
    group.events.push(event);
    group.lines.push(lineNumber);
    streams.add(event.stream);
    events++;
  }
  if (group !== undefined) await appendGroup(store, group);
  return { events, streams: streams.size };
};
