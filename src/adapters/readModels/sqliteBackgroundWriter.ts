import { extname, join } from 'node:path';
import { startWorkerThread } from '../workerThread';
import type { FromWriter, ToWriter, WriterCommit, WriterSettings } from './sqliteWriterProtocol';

export type BackgroundWriterOptions = WriterSettings & {
  /** Commits sent and not yet answered before `commit` waits: the pipeline's depth. */
  readonly depth: number;
  /** Called, in order, as each commit lands. */
  readonly onCommitted: (id: number) => void;
};

const writerError = (message: string, code?: string) =>
  Object.assign(new Error(`read-model writer thread: ${message}`), code === undefined ? {} : { code });

/**
 * The main thread's side of the rebuild's writer thread (sqliteWriterThread.ts): sends commits
 * in order, lets at most `depth` of them be in flight, and turns the thread's first failure — a
 * failed commit, an uncaught error, an early exit — into the rejection of every later call.
 */
export const startSQLiteBackgroundWriter = (options: BackgroundWriterOptions) => {
  const { depth, onCommitted, ...settings } = options;
  const thread = startWorkerThread(join(__dirname, `sqliteWriterThread${extname(__filename)}`), settings);
  let inFlight = 0;
  let failure: Error | undefined;
  let closing = false;
  let waiting: (() => void)[] = [];
  const wake = () => {
    const woken = waiting;
    waiting = [];
    for (const resolve of woken) resolve();
  };
  const send = (message: ToWriter) => thread.postMessage(message);

  thread.on('message', (message: FromWriter) => {
    inFlight--;
    if (message.kind === 'committed') onCommitted(message.id);
    else failure ??= writerError(message.message, message.code);
    wake();
  });
  thread.on('error', (e: Error) => {
    failure ??= writerError(e.message);
    wake();
  });
  const exited = new Promise<void>((resolve) =>
    thread.once('exit', (code) => {
      if (!closing) failure ??= writerError(`ended early (exit code ${code})`);
      wake();
      resolve();
    }),
  );

  /** Resolves once `done()` holds, rejects as soon as the thread has failed. */
  const until = async (done: () => boolean) => {
    for (;;) {
      if (failure !== undefined) throw failure;
      if (done()) return;
      await new Promise<void>((resolve) => waiting.push(resolve));
    }
  };

  return {
    /** Sends a commit; resolves when the pipeline has room for the next one. */
    commit: async (commit: Omit<WriterCommit, 'kind'>) => {
      if (failure !== undefined) throw failure;
      send({ kind: 'commit', ...commit });
      inFlight++;
      await until(() => inFlight < depth);
    },
    /** Resolves when every commit sent has landed. */
    drain: () => until(() => inFlight === 0),
    /** Lets the thread finish what it was sent, close its connection and end. Never rejects. */
    close: async () => {
      if (!closing) {
        closing = true;
        send({ kind: 'close' });
      }
      await exited;
    },
  };
};
export type SQLiteBackgroundWriter = ReturnType<typeof startSQLiteBackgroundWriter>;
