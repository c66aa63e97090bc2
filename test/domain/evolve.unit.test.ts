import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evolve } from '../../src/domain/evolve';
import { decodeStoredEvent, TaskEventEnvelope } from '../../src/domain/events';
import { initialState, TaskState } from '../../src/domain/taskState';
import { parseExportLine } from '../../src/engine/audit/exportedEvent';

/** Every recorded history (test/fixtures/histories): between them, every event type. */
const histories = () => {
  const folder = join(__dirname, '../fixtures/histories');
  const byStream = new Map<string, TaskEventEnvelope[]>();
  for (const file of readdirSync(folder).filter((f) => f.endsWith('.jsonl'))) {
    readFileSync(join(folder, file), 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .forEach((text, i) => {
        const line = parseExportLine(text, i + 1);
        const event = decodeStoredEvent({ ...line, streamName: line.stream, position: line.position ?? 0n });
        const key = `${file}:${line.stream}`;
        byStream.set(key, [...(byStream.get(key) ?? []), event]);
      });
  }
  return [...byStream.values()];
};

const deepFreeze = <T>(value: T): T => {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
};

describe('evolve', () => {
  it('never changes the state it is given: each event works on its own copy', () => {
    const streams = histories();
    const types = new Set(streams.flat().map((e) => e.type));
    expect(types.size).toBeGreaterThanOrEqual(20);
    for (const events of streams) {
      let state: TaskState = initialState;
      for (const event of events) {
        const given = deepFreeze(state);
        const before = JSON.stringify(given);
        // Writing to a frozen object throws here (modules run in strict mode).
        state = evolve(given, event);
        expect(JSON.stringify(given)).toBe(before);
      }
    }
  });
});
