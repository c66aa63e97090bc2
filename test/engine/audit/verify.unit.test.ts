import type { RecordedEvent } from '../../../src/ports/eventStore';
import { getMemoryEventStore } from '../../../src/adapters/store/memoryEventStore';
import { hashEvent } from '../../../src/engine/hashChain';
import { testEngine, engineOn } from '../../support/engine';
import { writeAuditScenario } from '../../support/auditScenario';
import { getTamperableStore, readLog } from '../../support/tamperableStore';
import { appendHandBuilt, change } from '../../support/handBuilt';

const scenarioLog = async () => {
  const { engine, clock, store } = testEngine();
  const { forced } = await writeAuditScenario(engine, clock);
  return { log: await readLog(store), forced };
};

const verifyLog = (log: RecordedEvent[]) => engineOn(getTamperableStore(log)).verify();

const at = (log: RecordedEvent[], stream: string, revision: bigint): number => {
  const index = log.findIndex((e) => e.streamName === stream && e.revision === revision);
  if (index < 0) throw new Error(`no ${stream}@${revision}`);
  return index;
};

describe('verify', () => {
  it('passes an untouched log and lists forced transitions without failing them', async () => {
    const { log, forced } = await scenarioLog();
    const report = await verifyLog(log);
    expect(report.ok).toBe(true);
    expect(report.breaks).toEqual([]);
    expect(report.totals).toEqual({ streams: 2, events: log.length, forced: 1, broken: 0, ok: 2 });
    expect(report.forced).toMatchObject(forced);
    expect(report.forced[0]?.position).toBe(log[at(log, 'task-b', 1n)]?.position);
  });

  it('finds altered data at the altered event', async () => {
    const { log } = await scenarioLog();
    const i = at(log, 'task-a', 3n);
    const original = log[i] as RecordedEvent;
    log[i] = { ...original, data: { ...original.data, worker: 'mallory' } };
    const report = await verifyLog(log);
    expect(report.ok).toBe(false);
    expect(report.breaks).toEqual([
      expect.objectContaining({
        stream: 'task-a',
        revision: 3n,
        position: original.position,
        problem: 'hash_mismatch',
      }),
    ]);
    expect(report.totals).toMatchObject({ streams: 2, broken: 1, ok: 1 });
  });

  it('finds altered metadata (who did it) too', async () => {
    const { log } = await scenarioLog();
    const i = at(log, 'task-a', 5n);
    const original = log[i] as RecordedEvent;
    log[i] = { ...original, metadata: { ...original.metadata, actor: 'nobody' } };
    expect((await verifyLog(log)).breaks).toEqual([
      expect.objectContaining({ revision: 5n, problem: 'hash_mismatch' }),
    ]);
  });

  it('finds a deleted event at the event after the gap', async () => {
    const { log } = await scenarioLog();
    const i = at(log, 'task-a', 4n);
    const next = log[i + 1] as RecordedEvent;
    log.splice(i, 1);
    expect((await verifyLog(log)).breaks).toEqual([
      expect.objectContaining({
        stream: 'task-a',
        position: next.position,
        revision: 5n,
        problem: 'revision_gap',
      }),
    ]);
  });

  it('finds a deleted first event', async () => {
    const { log } = await scenarioLog();
    log.splice(at(log, 'task-b', 0n), 1);
    expect((await verifyLog(log)).breaks).toEqual([
      expect.objectContaining({ stream: 'task-b', revision: 1n, problem: 'revision_gap' }),
    ]);
  });

  it('finds two swapped events (their contents exchanged, positions kept) at the first of them', async () => {
    const { log } = await scenarioLog();
    const i = at(log, 'task-a', 6n);
    const j = at(log, 'task-a', 7n);
    const [x, y] = [log[i] as RecordedEvent, log[j] as RecordedEvent];
    log[i] = { ...y, position: x.position, revision: x.revision };
    log[j] = { ...x, position: y.position, revision: y.revision };
    expect((await verifyLog(log)).breaks).toEqual([
      expect.objectContaining({ position: x.position, revision: 6n, problem: 'hash_mismatch' }),
    ]);
  });

  it('finds two swapped events (their places in the log exchanged) at the first place', async () => {
    const { log } = await scenarioLog();
    const i = at(log, 'task-a', 6n);
    const j = at(log, 'task-a', 7n);
    const [x, y] = [log[i] as RecordedEvent, log[j] as RecordedEvent];
    log[i] = { ...y, position: x.position };
    log[j] = { ...x, position: y.position };
    expect((await verifyLog(log)).breaks).toEqual([
      expect.objectContaining({ position: x.position, revision: 7n, problem: 'revision_gap' }),
    ]);
  });

  it('finds a forged event inserted at the end of a stream', async () => {
    const { log } = await scenarioLog();
    const last = log[at(log, 'task-a', 10n)] as RecordedEvent;
    const forged: RecordedEvent = {
      ...last,
      id: 'forged',
      type: 'TaskReset',
      data: { ...change('published', 'created'), clear_all: true },
      revision: 11n,
      position: (log[log.length - 1]?.position ?? 0n) + 1n,
    };
    log.push(forged);
    expect((await verifyLog(log)).breaks).toEqual([
      expect.objectContaining({ position: forged.position, revision: 11n, problem: 'hash_mismatch' }),
    ]);
  });

  it('finds a forged event with a correct hash when the machine would never have allowed it', async () => {
    const { log } = await scenarioLog();
    const last = log[at(log, 'task-a', 10n)] as RecordedEvent;
    const event = {
      type: 'TaskReset',
      data: { ...change('published', 'created'), clear_all: true },
      metadata: { ...last.metadata },
    };
    const forged: RecordedEvent = {
      ...last,
      ...event,
      metadata: { ...event.metadata, hash: hashEvent(String(last.metadata['hash']), event) },
      id: 'forged',
      revision: 11n,
      position: (log[log.length - 1]?.position ?? 0n) + 1n,
    };
    log.push(forged);
    expect((await verifyLog(log)).breaks).toEqual([
      expect.objectContaining({ revision: 11n, problem: 'invalid_transition' }),
    ]);
  });

  it('finds an event that does not decode, as corrupt', async () => {
    const { log } = await scenarioLog();
    const i = at(log, 'task-b', 1n);
    log[i] = { ...(log[i] as RecordedEvent), data: { from: 'created', to: 'sideways' } };
    expect((await verifyLog(log)).breaks).toEqual([
      expect.objectContaining({ stream: 'task-b', revision: 1n, problem: 'corrupt' }),
    ]);
  });

  it('checks hand-built histories against the machine: wrong from, illegal move, events after delete', async () => {
    const store = getMemoryEventStore();
    await appendHandBuilt(store, 'x', [
      { atSecond: 0, type: 'TaskCreated', data: { id: 'x', name: 'x', type: 'training' } },
      { atSecond: 1, type: 'TaskStarted', data: change('queued', 'in_progress') },
    ]);
    await appendHandBuilt(store, 'y', [
      { atSecond: 0, type: 'TaskCreated', data: { id: 'y', name: 'y', type: 'training' } },
      { atSecond: 1, type: 'TaskPublished', data: change('created', 'published') },
    ]);
    await appendHandBuilt(store, 'z', [
      { atSecond: 0, type: 'TaskCreated', data: { id: 'z', name: 'z', type: 'training' } },
      { atSecond: 1, type: 'TaskDeleted', data: { status: 'created' } },
      { atSecond: 2, type: 'TaskUpdated', data: { changes: { comment: 'ghost' } } },
    ]);
    await appendHandBuilt(store, 'w', [
      { atSecond: 0, type: 'TaskUpdated', data: { changes: { comment: 'no create' } } },
    ]);
    await appendHandBuilt(store, 'v', [
      { atSecond: 0, type: 'TaskCreated', data: { id: 'v', name: 'v', type: 'training' } },
      { atSecond: 1, type: 'TaskPublished', data: change('created', 'published', true) },
      {
        atSecond: 2,
        type: 'MetricsReported',
        data: { metrics: [{ metric: 'm', variant: 'v', iteration: 0, value: 1 }] },
      },
    ]);
    const report = await engineOn(store).verify();
    const problems = Object.fromEntries(report.breaks.map((b) => [b.stream, [b.revision, b.problem]]));
    expect(problems).toEqual({
      'task-x': [1n, 'status_mismatch'],
      'task-y': [1n, 'invalid_transition'],
      'task-z': [2n, 'event_after_delete'],
      'task-w': [0n, 'not_created_first'],
      'task-v': [2n, 'invalid_transition'], // no metrics on a published task, forced or not
    });
    expect(report.forced).toMatchObject([
      { stream: 'task-v', type: 'TaskPublished', from: 'created', to: 'published' },
    ]);
  });

  it('allows deleting an archived task from any status without force', async () => {
    const store = getMemoryEventStore();
    await appendHandBuilt(store, 'r', [
      { atSecond: 0, type: 'TaskCreated', data: { id: 'r', name: 'r', type: 'training', system_tags: [] } },
      { atSecond: 1, type: 'TaskEnqueued', data: { ...change('created', 'queued'), queue: 'q' } },
      { atSecond: 2, type: 'TaskStarted', data: change('queued', 'in_progress') },
      { atSecond: 3, type: 'TaskCompleted', data: change('in_progress', 'completed') },
      { atSecond: 4, type: 'TaskDeleted', data: { status: 'completed' } },
    ]);
    await appendHandBuilt(store, 's', [
      {
        atSecond: 0,
        type: 'TaskCreated',
        data: { id: 's', name: 's', type: 'training', system_tags: ['archived'] },
      },
      { atSecond: 1, type: 'TaskEnqueued', data: { ...change('created', 'queued'), queue: 'q' } },
      { atSecond: 2, type: 'TaskDeleted', data: { status: 'queued' } },
    ]);
    const report = await engineOn(store).verify();
    expect(report.breaks).toEqual([
      expect.objectContaining({ stream: 'task-r', revision: 4n, problem: 'invalid_transition' }),
    ]);
  });

  it('ignores streams that are not task streams (checkpoints) and reports progress up to the head', async () => {
    const { engine, clock, store } = testEngine();
    await writeAuditScenario(engine, clock);
    await store.appendToStream(
      '$checkpoint-x',
      [{ id: 'c1', type: 'CheckpointStored', data: { position: '3' }, metadata: {} }],
      {
        expectedRevision: 'no_stream',
      },
    );
    const seen: { events: number; first: bigint; position: bigint; head: bigint }[] = [];
    const report = await engine.verify({ onProgress: (p) => seen.push(p), progressEvery: 5 });
    expect(report.ok).toBe(true);
    expect(report.totals.streams).toBe(2);
    expect(seen.map((p) => p.events)).toEqual([5, 10, 15, report.totals.events]);
    const last = seen[seen.length - 1];
    expect(last?.head).toBe(last?.position);
    expect(seen.every((p) => p.first === 1n)).toBe(true);
  });
});
