import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { openEngine } from '../../../src/openEngine';
import { readCheckpoint } from '../../../src/engine/subscriptions/checkpoints';
import { getSQLiteEventStore } from '../../../src/adapters/store/sqlite/sqliteEventStore';
import { getTempFolders } from '../../support/tempFolders';
import { describeWithPostgres, getTestSchemas, TEST_POSTGRES_URL } from '../../support/postgres';
import { allChanges } from '../../support/subscriptions';
import { writeSubscriptionScenario } from '../../support/subscriptionScenario';
import { getPostgreSQLEventStore } from '../../../src/adapters/store/postgres/postgresEventStore';
import type { EventStore } from '../../../src/ports/eventStore';

const folders = getTempFolders('named-kill');
const schemas = getTestSchemas('namedkill');
afterAll(async () => {
  await folders.removeAll();
  await schemas.dropAll();
});

const tsx = join(__dirname, '../../../node_modules/.bin/tsx');
const child = join(__dirname, 'namedSubscriberChild.ts');

type Line = { kind: string; position: string };

/**
 * Runs the child subscriber, acknowledging items until `killWhen(items)` says to kill it, then
 * SIGKILLs it: no clean shutdown, no last checkpoint.
 */
const runChild = (url: string, name: string, every: number, killWhen: (items: Line[]) => boolean) =>
  new Promise<Line[]>((resolve, reject) => {
    const proc = spawn(tsx, [child, url, name, String(every)], { stdio: ['pipe', 'pipe', 'pipe'] });
    const items: Line[] = [];
    let stderr = '';
    proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    createInterface({ input: proc.stdout }).on('line', (text) => {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || !('kind' in parsed) || !('position' in parsed))
        return;
      items.push({ kind: String(parsed.kind), position: String(parsed.position) });
      if (killWhen(items)) proc.kill('SIGKILL');
      else proc.stdin.write('next\n');
    });
    proc.on('exit', (code, signal) =>
      signal === 'SIGKILL' ? resolve(items) : reject(new Error(`child exited ${code}: ${stderr}`)),
    );
  });

const killAndResume = (label: string, url: () => string, open: (url: string) => EventStore) => {
  it(`${label}: a named subscriber killed with SIGKILL resumes after its checkpoint, missing and repeating nothing checkpointed`, async () => {
    const storeUrl = url();
    const writer = await openEngine({ store: storeUrl, actor: 'alice' });
    await writeSubscriptionScenario(writer);

    const first = await runChild(storeUrl, 'mailer', 2, (items) => items.length === 7);
    const reader = open(storeUrl);
    const checkpoint = await readCheckpoint(reader, 'mailer');
    await reader.close();
    // Changes that happen while it is down.
    await writer.enqueue({ id: 'child' });
    await writer.started({ id: 'child' });
    const expected = (await allChanges(writer)).map((c) => c.position.toString());
    await writer.close();

    expect(checkpoint).toBeDefined();
    const at = checkpoint?.position ?? 0n;
    const firstPositions = first.map((i) => BigInt(i.position));
    // Acknowledged by pulling: at least up to the 5th item (every 2), never the 7th it was killed on.
    expect(at).toBeGreaterThanOrEqual(firstPositions[4] ?? 0n);
    expect(at).toBeLessThan(firstPositions[6] ?? 0n);

    const second = await runChild(
      storeUrl,
      'mailer',
      2,
      (items) => items[items.length - 1]?.kind === 'caughtUp',
    );
    const resumed = second.filter((i) => i.kind === 'change').map((i) => i.position);
    expect(resumed).toEqual(expected.filter((p) => BigInt(p) > at)); // nothing missed, nothing checkpointed repeated
    expect(first.map((i) => i.position).filter((p) => BigInt(p) <= at)).toEqual(
      expected.filter((p) => BigInt(p) <= at),
    );
  });
};

describe('a durable named subscriber in its own process', () => {
  killAndResume(
    'SQLite',
    () => `sqlite:${join(folders.make(), 'events.db')}`,
    (url) => getSQLiteEventStore({ path: url.slice('sqlite:'.length) }),
  );
});

describeWithPostgres('a durable named subscriber in its own process on PostgreSQL', () => {
  killAndResume(
    'PostgreSQL',
    () => `${TEST_POSTGRES_URL}?schema=${schemas.make()}`,
    (url) => {
      const schema = new URL(url).searchParams.get('schema') ?? 'public';
      return getPostgreSQLEventStore({ connectionString: TEST_POSTGRES_URL, schema });
    },
  );
});
