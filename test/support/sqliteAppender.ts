/**
 * Child process for the SQLite multi-process test: appends `count` events as writer `writer`
 * to the file at `path`, one event per append, then a WriterDone event. Run with `node --import tsx`.
 */
import { randomUUID } from 'node:crypto';
import { getSQLiteEventStore } from '../../src/adapters/store/sqlite/sqliteEventStore';

const [path, writerArgument, countArgument] = process.argv.slice(2);
const writer = Number(writerArgument);
const count = Number(countArgument);

const main = async () => {
  if (path === undefined || !Number.isInteger(writer) || !Number.isInteger(count)) {
    throw new Error('usage: sqliteAppender <path> <writer> <count>');
  }
  const store = getSQLiteEventStore({ path });
  const revisions = new Map<string, bigint>();
  for (let i = 0; i < count; i++) {
    const stream = `task-w${writer}-${i % 20}`;
    const result = await store.appendToStream(
      stream,
      [{ id: randomUUID(), type: 'TaskCreated', data: { writer, i }, metadata: {} }],
      { expectedRevision: revisions.get(stream) ?? 'no_stream' },
    );
    revisions.set(stream, result.nextExpectedRevision);
  }
  await store.appendToStream(
    `writer-${writer}`,
    [{ id: randomUUID(), type: 'WriterDone', data: { writer }, metadata: {} }],
    {
      expectedRevision: 'no_stream',
    },
  );
  await store.close();
};

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
