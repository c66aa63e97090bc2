import type { EventStore, RecordedEvent } from '../../../src/ports/eventStore';
import { manualClock } from '../../../src/engine/clock';
import { engineOn } from '../../support/engine';
import { writeAuditScenario } from '../../support/auditScenario';
import { readLog } from '../../support/tamperableStore';

/** Edits made straight in a store's tables, behind the engine's back, as an intruder would. */
export type Tamper = {
  /** Sets one field of an event's data with the database's own JSON functions. */
  setDataField(position: bigint, key: string, value: string): Promise<void>;
  remove(position: bigint): Promise<void>;
  /** Exchanges the type, data and metadata of two rows; positions, revisions and ids stay. */
  swapContents(a: bigint, b: bigint): Promise<void>;
  /** Inserts a row; the table gives it the next position. */
  insert(row: {
    stream: string;
    revision: bigint;
    id: string;
    type: string;
    data: object;
    metadata: object;
  }): Promise<bigint>;
};

export type TamperTarget<S extends EventStore> = {
  /** A fresh, empty store. */
  open(): Promise<S>;
  /** The same store opened again (after the engine that wrote it closed). */
  reopen(store: S): Promise<S>;
  tamper(store: S): Tamper;
};

const find = (log: RecordedEvent[], stream: string, revision: bigint): RecordedEvent => {
  const event = log.find((e) => e.streamName === stream && e.revision === revision);
  if (event === undefined) throw new Error(`no ${stream}@${revision}`);
  return event;
};

/** verify finds each kind of tampering at the right position, and nothing on an untouched store. */
export const describeTampering = <S extends EventStore>(label: string, target: TamperTarget<S>) => {
  describe(`verify on ${label}: tampering in the tables`, () => {
    const given = async () => {
      const written = await target.open();
      const clock = manualClock();
      const writer = engineOn(written, { clock, actor: 'alice' });
      await writeAuditScenario(writer, clock);
      await writer.close();
      const store = await target.reopen(written);
      return { store, log: await readLog(store), tamper: target.tamper(store) };
    };
    const verify = async (store: EventStore) => {
      const engine = engineOn(store);
      try {
        return await engine.verify({ batchSize: 7 });
      } finally {
        await engine.close();
      }
    };

    it('an untouched store verifies clean', async () => {
      const { store, log } = await given();
      const report = await verify(store);
      expect(report).toMatchObject({
        ok: true,
        breaks: [],
        totals: { streams: 2, events: log.length, forced: 1, broken: 0 },
      });
    });

    it('altered data is found at the altered event', async () => {
      const { store, log, tamper } = await given();
      const target = find(log, 'task-a', 3n);
      await tamper.setDataField(target.position, 'worker', 'mallory');
      expect((await verify(store)).breaks).toEqual([
        expect.objectContaining({
          stream: 'task-a',
          position: target.position,
          revision: 3n,
          problem: 'hash_mismatch',
        }),
      ]);
    });

    it('a deleted event is found at the event after it', async () => {
      const { store, log, tamper } = await given();
      await tamper.remove(find(log, 'task-a', 4n).position);
      expect((await verify(store)).breaks).toEqual([
        expect.objectContaining({
          stream: 'task-a',
          position: find(log, 'task-a', 5n).position,
          revision: 5n,
          problem: 'revision_gap',
        }),
      ]);
    });

    it('two swapped events are found at the first of them', async () => {
      const { store, log, tamper } = await given();
      const [first, second] = [find(log, 'task-a', 6n), find(log, 'task-a', 7n)];
      await tamper.swapContents(first.position, second.position);
      expect((await verify(store)).breaks).toEqual([
        expect.objectContaining({
          stream: 'task-a',
          position: first.position,
          revision: 6n,
          problem: 'hash_mismatch',
        }),
      ]);
    });

    it('a forged event is found where it was inserted', async () => {
      const { store, log, tamper } = await given();
      const last = find(log, 'task-a', 10n);
      const position = await tamper.insert({
        stream: 'task-a',
        revision: 11n,
        id: '00000000-0000-8000-8000-000000000bad',
        type: 'TaskReset',
        data: { from: 'published', to: 'created', status_reason: '', status_message: '', clear_all: true },
        metadata: last.metadata, // a plausible-looking hash, copied
      });
      expect((await verify(store)).breaks).toEqual([
        expect.objectContaining({ stream: 'task-a', position, revision: 11n, problem: 'hash_mismatch' }),
      ]);
    });
  });
};
