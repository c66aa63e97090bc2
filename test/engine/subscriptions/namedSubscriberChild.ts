/**
 * A named subscriber in a process of its own, for the kill test:
 *
 *   tsx namedSubscriberChild.ts <store url> <name> <checkpointEvery>
 *
 * Prints each item as a JSON line, then waits for a line on stdin before pulling the next one,
 * so the parent decides exactly how far it gets before it is killed.
 */
import { createInterface } from 'node:readline';
import { openEngine } from '../../../src/openEngine';

const main = async () => {
  const [url, name, every] = process.argv.slice(2);
  if (url === undefined || name === undefined || every === undefined)
    throw new Error('usage: <store url> <name> <checkpointEvery>');
  const acks = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  const engine = await openEngine({ store: url });
  for await (const item of engine.subscribe({ name, checkpointEvery: Number(every) })) {
    process.stdout.write(JSON.stringify({ kind: item.kind, position: item.position.toString() }) + '\n');
    const ack = await acks.next();
    if (ack.done === true || ack.value === 'stop') break;
  }
  await engine.close();
};

void main().catch((error: unknown) => {
  process.stderr.write(String(error) + '\n');
  process.exitCode = 1;
});
