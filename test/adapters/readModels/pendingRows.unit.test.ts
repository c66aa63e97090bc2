import { getPendingRows } from '../../../src/adapters/readModels/pendingRows';
import { getSQLiteBulkTransaction } from '../../../src/adapters/readModels/sqliteBulkTransaction';
import type { Checkpoint, Row, TableSpec } from '../../../src/ports/readModelStore';

type Doc = { readonly n: number };

const spec: TableSpec = {
  name: 'things',
  columns: [{ name: 'n', type: 'number', indexed: false }],
  indexes: [],
  values: (doc) => ({ n: (doc as Doc).n }),
};

const row = (n: number, revision: bigint): Row<unknown> => ({ doc: { n }, revision });

/** The file as the writer thread has left it so far: what it holds, and which keys were asked of it. */
const fileWith = (rows: Record<string, Row<unknown>> = {}, checkpoint?: Checkpoint) => {
  const asked: string[] = [];
  return {
    asked,
    load: (_table: string, keys: readonly string[]) => {
      asked.push(...keys);
      return new Map(keys.flatMap((k) => (rows[k] === undefined ? [] : [[k, rows[k]] as const])));
    },
    checkpoint: () => checkpoint,
  };
};

/** One rebuild batch: writes `rows` and a checkpoint, and is handed over as commit `id`. */
const batch = async (
  pending: ReturnType<typeof getPendingRows>,
  file: ReturnType<typeof fileWith>,
  id: number,
  rows: Record<string, Row<unknown>>,
  position: bigint,
) => {
  const tx = getSQLiteBulkTransaction(pending, file);
  await tx.transaction.write(spec, new Map(Object.entries(rows)));
  await tx.transaction.setCheckpoint('things', { version: -1, position });
  return tx.commit(id);
};

describe('rows on their way to the file (rebuild writer thread)', () => {
  it('serves a later batch what an earlier one wrote before the file has it, without asking the file', async () => {
    const pending = getPendingRows();
    const file = fileWith();
    await batch(pending, file, 1, { a: row(1, 0n), b: row(2, 0n) }, 10n);
    const next = getSQLiteBulkTransaction(pending, file).transaction;
    expect(await next.load('things', ['a', 'b', 'c'])).toEqual(
      new Map([
        ['a', row(1, 0n)],
        ['b', row(2, 0n)],
      ]),
    );
    expect(file.asked).toEqual(['c']);
    expect(await next.checkpoint('things')).toEqual({ version: -1, position: 10n });
  });

  it('lets a landed commit’s rows go to the file, but keeps a row a later commit wrote again', async () => {
    const pending = getPendingRows();
    await batch(pending, fileWith(), 1, { a: row(1, 0n), b: row(2, 0n) }, 10n);
    await batch(pending, fileWith(), 2, { b: row(3, 1n) }, 20n);
    pending.landed(1);
    expect(pending.row('things', 'a')).toBeUndefined();
    expect(pending.row('things', 'b')).toEqual(row(3, 1n));
    expect(pending.checkpoint('things')).toEqual({ version: -1, position: 20n });
    pending.landed(2);
    expect(pending.row('things', 'b')).toBeUndefined();
    expect(pending.checkpoint('things')).toBeUndefined();
  });

  it('never lets an older revision shadow a newer one on its way', async () => {
    const pending = getPendingRows();
    await batch(pending, fileWith(), 1, { a: row(5, 3n) }, 10n);
    // A replayed, older fold of the same row: the file's upsert would refuse it, so must the overlay.
    await batch(pending, fileWith(), 2, { a: row(4, 2n) }, 20n);
    expect(pending.row('things', 'a')).toEqual(row(5, 3n));
  });
});
