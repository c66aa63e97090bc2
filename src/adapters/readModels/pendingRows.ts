import type { Checkpoint, Row } from '../../ports/readModelStore';

type Pending<T> = { readonly value: T; readonly commit: number };

/**
 * Rows and checkpoints handed to the writer thread and not yet committed. The next batches load
 * rows their predecessors wrote, and must find them here until the file has them: a row leaves
 * once the commit that wrote it has landed, unless a later commit wrote it again meanwhile.
 */
export const getPendingRows = () => {
  const rows = new Map<string, Map<string, Pending<Row<unknown>>>>();
  const checkpoints = new Map<string, Pending<Checkpoint>>();
  const commits = new Map<
    number,
    { tables: Map<string, Map<string, Row<unknown>>>; checkpoints: string[] }
  >();

  return {
    row: (table: string, key: string): Row<unknown> | undefined => rows.get(table)?.get(key)?.value,
    checkpoint: (name: string): Checkpoint | undefined => checkpoints.get(name)?.value,
    /** What commit `id` writes, sent and not yet landed. */
    add: (
      commit: number,
      tables: Map<string, Map<string, Row<unknown>>>,
      written: ReadonlyMap<string, Checkpoint>,
    ) => {
      for (const [table, changed] of tables) {
        let pending = rows.get(table);
        if (pending === undefined) rows.set(table, (pending = new Map()));
        for (const [key, value] of changed) pending.set(key, { value, commit });
      }
      for (const [name, value] of written) checkpoints.set(name, { value, commit });
      commits.set(commit, { tables, checkpoints: [...written.keys()] });
    },
    /** Commit `id` has landed: the file now holds what it wrote. */
    landed: (commit: number) => {
      const landed = commits.get(commit);
      if (landed === undefined) return;
      commits.delete(commit);
      for (const [table, changed] of landed.tables) {
        const pending = rows.get(table);
        for (const key of changed.keys()) if (pending?.get(key)?.commit === commit) pending.delete(key);
      }
      for (const name of landed.checkpoints)
        if (checkpoints.get(name)?.commit === commit) checkpoints.delete(name);
    },
  };
};
export type PendingRows = ReturnType<typeof getPendingRows>;
