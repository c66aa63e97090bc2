import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { getSQLiteEventStore } from '../../../src/adapters/store/sqlite/sqliteEventStore';
import type { RecordedEvent } from '../../../src/ports/eventStore';
import { expectStrictlyIncreasing } from '../../contract/contractSupport';
import { getTempFolders } from '../../support/tempFolders';

const WRITERS = 3;
const EVENTS_PER_WRITER = 1_000;
const folders = getTempFolders('sqlite-multiprocess');
afterAll(folders.removeAll);

const runWriter = (path: string, writer: number) =>
  new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(__dirname, '../../support/sqliteAppender.ts'),
        path,
        String(writer),
        String(EVENTS_PER_WRITER),
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stderr }));
  });

/** Issue 3, acceptance (b): one file, three writing processes, a subscriber in a fourth. */
describe('sqlite store shared by processes', () => {
  it(`loses and repeats nothing of ${WRITERS} writer processes while this process subscribes`, async () => {
    const path = join(folders.make(), 'shared', 'events.db');
    // The writers start first, so creating the file and its schema is raced as well.
    const writers = Array.from({ length: WRITERS }, (_, writer) => runWriter(path, writer));
    const store = getSQLiteEventStore({ path });
    const received: RecordedEvent[] = [];
    let done = 0;
    try {
      for await (const message of store.subscribeToAll({ from: 'start' })) {
        if (message.kind !== 'event') continue;
        if (message.event.type === 'WriterDone') {
          if (++done === WRITERS) break;
          continue;
        }
        received.push(message.event);
      }
      const exits = await Promise.all(writers);
      // Compared whole so a failing writer's stderr shows in the diff.
      expect(exits).toEqual(exits.map((exit) => ({ ...exit, code: 0 })));
      expect(received).toHaveLength(WRITERS * EVENTS_PER_WRITER);
      expect(new Set(received.map((e) => e.id)).size).toBe(received.length);
      expectStrictlyIncreasing(received.map((e) => e.position));
      const seen = new Set(received.map((e) => `${String(e.data['writer'])}:${String(e.data['i'])}`));
      for (let writer = 0; writer < WRITERS; writer++) {
        for (let i = 0; i < EVENTS_PER_WRITER; i++) expect(seen.has(`${writer}:${i}`)).toBe(true);
      }
    } finally {
      await store.close();
    }
  }, 60_000);
});
