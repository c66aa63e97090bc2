import { engineOn } from '../../support/engine';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fold } from '../../../src/domain/evolve';
import { decodeStoredEvent, TaskEventEnvelope } from '../../../src/domain/events';
import { TASK_STREAM_PREFIX } from '../../../src/domain/task';
import { parseExportLine } from '../../../src/engine/audit/exportedEvent';
import { getMemoryEventStore } from '../../../src/adapters/store/memoryEventStore';

/**
 * Temporal's replay test: histories recorded by earlier versions (test/fixtures/histories, made
 * by test/fixtures/record.ts) must fold, under the current `evolve`, into exactly the state that
 * was recorded with them. A change that alters how an old history folds fails here; fix the
 * code, or, if the new fold is intended, regenerate deliberately and say why.
 */
const folder = join(__dirname, '../../fixtures/histories');
const histories = readdirSync(folder)
  .filter((f) => f.endsWith('.jsonl'))
  .map((f) => f.slice(0, -'.jsonl'.length));

const linesOf = (name: string) =>
  readFileSync(join(folder, `${name}.jsonl`), 'utf8')
    .split('\n')
    .filter((l) => l !== '');

describe('replaying recorded histories', () => {
  it('has histories to replay', () => {
    expect(histories.length).toBeGreaterThanOrEqual(6);
  });

  it.each(histories)('%s folds into its recorded state', (name) => {
    const byTask = new Map<string, TaskEventEnvelope[]>();
    linesOf(name).forEach((text, i) => {
      const line = parseExportLine(text, i + 1);
      const event = decodeStoredEvent({ ...line, streamName: line.stream, position: line.position ?? 0n });
      const id = line.stream.slice(TASK_STREAM_PREFIX.length);
      byTask.set(id, [...(byTask.get(id) ?? []), event]);
    });
    const recorded: unknown = JSON.parse(readFileSync(join(folder, `${name}.state.json`), 'utf8'));
    const replayed = Object.fromEntries([...byTask].map(([id, events]) => [id, fold(events)]));
    expect(replayed).toEqual(recorded);
  });

  it.each(histories)('%s imports into a fresh store and verifies clean', async (name) => {
    const engine = engineOn(getMemoryEventStore());
    await engine.importHistory(linesOf(name));
    const report = await engine.verify();
    expect(report.breaks).toEqual([]);
    expect(report.ok).toBe(true);
  });
});
