import { join } from 'node:path';
import type { EventStore, RecordedEvent } from '../../../src/ports/eventStore';
import { getMemoryEventStore } from '../../../src/adapters/store/memoryEventStore';
import { getSQLiteEventStore } from '../../../src/adapters/store/sqlite/sqliteEventStore';
import { getPostgreSQLEventStore } from '../../../src/adapters/store/postgres/postgresEventStore';
import { manualClock } from '../../../src/engine/clock';
import { engineOn } from '../../support/engine';
import { getTempFolders } from '../../support/tempFolders';
import { describeWithPostgres, getTestSchemas } from '../../support/postgres';
import { readLog } from '../../support/tamperableStore';
import { scenarios } from '../../fixtures/historyScenarios';
import { runScenario } from '../../fixtures/runScenario';

const folders = getTempFolders('cross-store');
const schemas = getTestSchemas('cross');
afterAll(folders.removeAll);

/** Every scenario, written by the engine through `store`; returns the log as the store keeps it, verified. */
const writeAll = async (store: EventStore): Promise<RecordedEvent[]> => {
  const clock = manualClock();
  const engine = engineOn(store, { clock, actor: 'alice' });
  for (const scenario of scenarios) await runScenario(engine, clock, scenario);
  const log = await readLog(store);
  const report = await engine.verify();
  await engine.close();
  expect(report).toMatchObject({ ok: true, totals: { events: log.length } });
  return log;
};

const chain = (log: RecordedEvent[]) =>
  log.map((e) => `${e.streamName}@${e.revision} ${String(e.metadata['hash'])}`);
const withoutPositions = (log: RecordedEvent[]) => log.map(({ position: _position, ...rest }) => rest);

const copy = async (from: EventStore, to: EventStore) => {
  const source = engineOn(from);
  const target = engineOn(to);
  const lines: string[] = [];
  for await (const line of source.exportHistory()) lines.push(line);
  // Closing an engine closes its store: the source is done with; the caller closes the target.
  await source.close();
  const result = await target.importHistory(lines);
  const report = await target.verify();
  return { result, report, target, lines };
};

const sqliteStore = () => getSQLiteEventStore({ path: join(folders.make(), 'events.db') });

describe('the hash chain across stores', () => {
  it('the same history hashes the same on memory and SQLite, and verifies on both', async () => {
    const memory = await writeAll(getMemoryEventStore());
    const sqlite = await writeAll(sqliteStore());
    expect(chain(sqlite)).toEqual(chain(memory));
    expect(withoutPositions(sqlite)).toEqual(withoutPositions(memory));
  });

  it('memory → SQLite: export, import, and the copy verifies with the same events', async () => {
    const memory = getMemoryEventStore();
    const original = await writeAll(memory);
    const target = sqliteStore();
    const { result, report, target: engine } = await copy(memory, target);
    await engine.close();
    expect(result.events).toBe(original.length);
    expect(report).toMatchObject({ ok: true, totals: { events: original.length, broken: 0 } });
    const reopened = getSQLiteEventStore({ path: target.path });
    expect(withoutPositions(await readLog(reopened))).toEqual(withoutPositions(original));
    await reopened.close();
  });
});

describeWithPostgres('the hash chain on PostgreSQL', (connectionString) => {
  afterAll(schemas.dropAll);
  const postgresStore = () =>
    getPostgreSQLEventStore({ connectionString, schema: schemas.make(), pollIntervalMs: 50 });

  it('the same history hashes the same on memory and PostgreSQL, and verifies there', async () => {
    const memory = await writeAll(getMemoryEventStore());
    const postgres = await writeAll(postgresStore());
    expect(chain(postgres)).toEqual(chain(memory));
  });

  it('SQLite → PostgreSQL: export, import, and the copy verifies; importing again adds nothing', async () => {
    const sqlite = sqliteStore();
    const original = await writeAll(getSQLiteEventStore({ path: sqlite.path }));
    const target = postgresStore();
    const { report, target: engine, lines } = await copy(sqlite, target);
    expect(report).toMatchObject({ ok: true, totals: { events: original.length, broken: 0 } });
    await engine.importHistory(lines);
    const log = await readLog(target);
    expect(withoutPositions(log)).toEqual(withoutPositions(original));
    await engine.close();
  });
});
