/**
 * A worker process for the multi-process tests: `tsx test/support/workerProcess.ts <store-url>
 * <worker-id> <queue> <concurrency> [hang-on-task-number]`. Its handler does nothing, except on
 * the given task number, where it prints `{"hanging":"<task id>"}` and never returns (so the test
 * can SIGKILL it mid-task). On SIGTERM it closes; at the end it prints `{"stats":{…}}`.
 */
import { openEngine } from '../../src/openEngine';

const main = async () => {
  const [store = '', id = '', queue = 'default', concurrency = '1', hangOn] = process.argv.slice(2);
  const engine = await openEngine({ store, actor: id });
  const worker = engine.worker({
    id,
    queues: [queue],
    concurrency: Number(concurrency),
    heartbeatMs: 200,
    flushMs: 100,
    pollMs: 1_000,
    onError: (error, taskId) => process.stderr.write(`${id} ${taskId ?? ''}: ${String(error)}\n`),
  });
  process.once('SIGTERM', () => void worker.close());
  let started = 0;
  const stats = await worker.run(async (task) => {
    started++;
    if (hangOn !== undefined && started === Number(hangOn)) {
      process.stdout.write(JSON.stringify({ hanging: task.id }) + '\n');
      await new Promise<never>(() => undefined);
    }
  });
  process.stdout.write(JSON.stringify({ stats }) + '\n');
  await engine.close();
};

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
