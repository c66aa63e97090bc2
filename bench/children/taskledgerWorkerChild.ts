import { openEngine } from '../../src';
import { failChild, inputOf, nextMessage, send } from '../lib/childMain';
import { engineWorkerOf } from '../lib/engineWorker';

export type TaskledgerWorkerInput = { readonly url: string; readonly id: string; readonly queue: string; readonly concurrency: number };

/** One of the 4 worker processes: claims and completes no-op tasks once told "go". */
const main = async () => {
  const { url, id, queue, concurrency } = inputOf<TaskledgerWorkerInput>();
  const engine = await openEngine({ store: url, actor: id });
  const workerOf = engineWorkerOf(engine);
  if (workerOf === undefined) {
    send({ type: 'unavailable' });
    await engine.close();
    return;
  }
  const worker = workerOf({ id, queues: [queue], concurrency });
  send({ type: 'ready' });
  await nextMessage('go');
  const running = worker.run(async () => undefined);
  await nextMessage('stop');
  await worker.close();
  await running;
  await engine.close();
  send({ type: 'closed' });
  process.exit(0);
};
main().catch(failChild);
