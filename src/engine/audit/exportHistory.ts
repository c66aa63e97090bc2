import * as t from 'io-ts';
import { isLeft } from 'fp-ts/Either';
import type { EventStore, RecordedEvent } from '../../ports/eventStore';
import { strictObject, decodeWith } from '../../domain/decode';
import { TaskId, streamNameOf, TASK_STREAM_PREFIX } from '../../domain/task';
import { toExportLine } from './exportedEvent';

export type ExportOptions = {
  /** Only these tasks, stream by stream; by default every task stream in position order. */
  readonly ids?: readonly string[];
  readonly batchSize?: number;
};

const ExportOptionsCodec = strictObject('ExportOptions', {}, { ids: t.array(TaskId), batchSize: t.number });
const decodeOptions = decodeWith(ExportOptionsCodec, 'export options');

async function* eventsToExport(
  store: EventStore,
  ids: readonly string[] | undefined,
  batchSize: number,
): AsyncIterable<RecordedEvent> {
  if (ids === undefined) {
    yield* store.readAll({ filter: { streamPrefixes: [TASK_STREAM_PREFIX] }, batchSize });
    return;
  }
  for (const id of ids) yield* store.readStream(streamNameOf(id));
}

/**
 * Task histories as JSON lines (no newline at the end of each): one event per line, read in
 * batches, so exporting a large log holds one batch in memory.
 */
export async function* exportHistory(store: EventStore, options: ExportOptions = {}): AsyncIterable<string> {
  const decoded = decodeOptions(options);
  if (isLeft(decoded)) throw decoded.left;
  const { ids, batchSize = 1_000 } = decoded.right;
  for await (const event of eventsToExport(store, ids, batchSize)) yield toExportLine(event);
}
