import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { openEngine } from '../../../src/openEngine';
import { manualClock } from '../../../src/engine/clock';
import { getSQLiteEventStore } from '../../../src/adapters/store/sqlite/sqliteEventStore';
import { runCli } from '../../support/captureIo';
import { getTempFolders } from '../../support/tempFolders';
import { writeAuditScenario } from '../../support/auditScenario';
import { describeWithPostgres, getTestSchemas, TEST_POSTGRES_URL } from '../../support/postgres';

const folders = getTempFolders('cli-audit');
afterAll(folders.removeAll);

/** A SQLite file holding the audit scenario, written with a clock the test controls. */
const givenStore = async () => {
  const path = join(folders.make(), 'events.db');
  const clock = manualClock();
  const engine = await openEngine({ store: `sqlite:${path}`, clock, actor: 'alice' });
  await writeAuditScenario(engine, clock);
  await engine.close();
  return { path, url: `sqlite:${path}` };
};

describe('CLI: history filters', () => {
  it('filters by --type, --since and --until, printing JSON when not on a terminal', async () => {
    const { url } = await givenStore();
    const typed = await runCli(['history', 'a', '--store', url, '--type', 'TaskStarted,TaskReset']);
    expect(typed.code).toBe(0);
    expect((JSON.parse(typed.out) as { type: string }[]).map((e) => e.type)).toEqual([
      'TaskStarted',
      'TaskReset',
      'TaskStarted',
    ]);
    const timed = await runCli([
      'history',
      'a',
      '--store',
      url,
      '--since',
      '2026-01-01T00:00:03Z',
      '--until',
      '2026-01-01T00:00:03Z',
    ]);
    expect((JSON.parse(timed.out) as { type: string }[]).map((e) => e.type)).toEqual([
      'TaskCompleted',
      'TaskPublished',
    ]);
  });

  it('prints a table on a terminal, and refuses an unknown event type', async () => {
    const { url } = await givenStore();
    const table = await runCli(['history', 'a', '--store', url, '--type', 'TaskReset'], { terminal: true });
    expect(table.out).toMatch(/^rev\s+pos\s+at\s+actor\s+event/);
    expect(table.out).toContain('TaskReset');
    const bad = await runCli(['history', 'a', '--store', url, '--type', 'TaskRest']);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.err)).toMatchObject({ error: { code: 'invalid_request', path: 'types.0' } });
  });
});

describe('CLI: state-at', () => {
  it('prints the task as it was at a revision or a moment', async () => {
    const { url } = await givenStore();
    const atRevision = await runCli(['state-at', 'a', '--store', url, '--revision', '4']);
    expect(atRevision.code).toBe(0);
    expect(JSON.parse(atRevision.out)).toMatchObject({
      id: 'a',
      status: 'in_progress',
      status_message: 'stopping',
    });
    const atTime = await runCli(['state-at', 'b', '--store', url, '--at', '2026-01-01T00:00:02Z']);
    expect(JSON.parse(atTime.out)).toMatchObject({ id: 'b', status: 'created' });
  });

  it('needs exactly one of --revision and --at, and a number for --revision', async () => {
    const { url } = await givenStore();
    for (const args of [[], ['--revision', '1', '--at', '2026-01-01T00:00:00Z'], ['--revision', 'two']]) {
      const result = await runCli(['state-at', 'a', '--store', url, ...args]);
      expect(result.code).toBe(1);
      expect(JSON.parse(result.err)).toMatchObject({ error: { code: 'invalid_request' } });
    }
    const gone = await runCli(['state-at', 'b', '--store', url, '--revision', '3']);
    expect(JSON.parse(gone.err)).toMatchObject({ error: { code: 'not_found', deleted: true } });
  });
});

describe('CLI: verify', () => {
  it('exits 0 on a clean store, with the report as JSON when piped and a summary on a terminal', async () => {
    const { url } = await givenStore();
    const piped = await runCli(['verify', '--store', url]);
    expect(piped.code).toBe(0);
    expect(JSON.parse(piped.out)).toMatchObject({ ok: true, totals: { streams: 2, broken: 0, forced: 1 } });
    const terminal = await runCli(['verify', '--store', url], { terminal: true });
    expect(terminal.out).toMatch(/^OK: \d+ events in 2 task streams, 0 broken, 1 forced transitions/);
    expect(terminal.out).toContain('forced  task-b revision 1');
  });

  it('exits 1 when the log was tampered with, naming the break', async () => {
    const { url, path } = await givenStore();
    const store = getSQLiteEventStore({ path });
    store.database
      .prepare(
        "UPDATE events SET metadata = json_set(metadata, '$.actor', 'mallory') WHERE stream_name = 'task-a' AND revision = 2",
      )
      .run();
    await store.close();
    const result = await runCli(['verify', '--store', url, '--batch-size', '3']);
    expect(result.code).toBe(1);
    expect(result.err).toBe('');
    expect(JSON.parse(result.out)).toMatchObject({
      ok: false,
      breaks: [{ stream: 'task-a', revision: 2, problem: 'hash_mismatch' }],
    });
    const terminal = await runCli(['verify', '--store', url], { terminal: true });
    expect(terminal.code).toBe(1);
    expect(terminal.out).toMatch(/^BROKEN/);
  });
});

describe('CLI: export and import', () => {
  it('exports to a file and imports it into another store, which then verifies; importing again changes nothing', async () => {
    const { url } = await givenStore();
    const file = join(folders.make(), 'history.jsonl');
    expect((await runCli(['export', '--store', url, '--out', file])).code).toBe(0);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ stream: 'task-a', revision: 0, type: 'TaskCreated' });

    const copy = `sqlite:${join(folders.make(), 'copy.db')}`;
    const imported = await runCli(['import', '--store', copy, '--in', file]);
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.out)).toEqual({ events: lines.length, streams: 2 });
    await runCli(['import', '--store', copy, '--in', file]);
    expect(JSON.parse((await runCli(['verify', '--store', copy])).out)).toMatchObject({
      ok: true,
      totals: { events: lines.length },
    });
    expect(
      JSON.parse((await runCli(['state-at', 'a', '--store', copy, '--revision', '10'])).out),
    ).toMatchObject({ status: 'published' });
  });

  it('exports only --ids to stdout, and names a file it cannot read', async () => {
    const { url } = await givenStore();
    const only = await runCli(['export', '--store', url, '--ids', 'b']);
    expect(only.lines().map((l) => (JSON.parse(l) as { stream: string }).stream)).toEqual(
      Array(4).fill('task-b'),
    );
    const missing = await runCli(['import', '--store', url, '--in', join(folders.make(), 'nope.jsonl')]);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.err)).toMatchObject({ error: { code: 'invalid_request', path: 'in' } });
  });
});

const schemas = getTestSchemas('cliaudit');

describeWithPostgres('CLI: export | import between processes', () => {
  afterAll(schemas.dropAll);

  it('pipes a SQLite log into PostgreSQL, and the copy verifies', async () => {
    const { url } = await givenStore();
    const target = `${TEST_POSTGRES_URL}?schema=${schemas.make()}`;
    const tsx = join(__dirname, '../../../node_modules/.bin/tsx');
    const cli = join(__dirname, '../../support/cliProcess.ts');
    const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const pipeline = `${quote(tsx)} ${quote(cli)} export --store ${quote(url)} | ${quote(tsx)} ${quote(cli)} import --store ${quote(target)}`;
    const result = spawnSync('sh', ['-c', pipeline], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ streams: 2 });
    const verified = await runCli(['verify', '--store', target]);
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.out)).toMatchObject({ ok: true, totals: { streams: 2, forced: 1 } });
  });
});
