import { failChild, inputOf, nextMessage, send } from '../lib/childMain';
import { loadBullMQ } from '../lib/peers';
import { REDIS } from '../lib/services';

export type BullMQWorkerInput = { readonly queue: string; readonly concurrency: number };

/** One of BullMQ's 4 worker processes: a no-op processor, started on "go". */
const main = async () => {
  const { queue, concurrency } = inputOf<BullMQWorkerInput>();
  const { Worker } = loadBullMQ();
  const worker = new Worker(queue, async () => undefined, { connection: REDIS, concurrency, autorun: false });
  worker.on('error', (e) => failChild(e));
  await worker.waitUntilReady();
  send({ type: 'ready' });
  await nextMessage('go');
  const running = worker.run();
  await nextMessage('stop');
  await worker.close();
  await running;
  send({ type: 'closed' });
  process.exit(0);
};
main().catch(failChild);
