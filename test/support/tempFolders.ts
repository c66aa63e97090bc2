import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Temp folders made by one test file, removed together at its end. */
export const getTempFolders = (label: string) => {
  const made: string[] = [];
  return {
    make: () => {
      const folder = mkdtempSync(join(tmpdir(), `taskledger-${label}-`));
      made.push(folder);
      return folder;
    },
    removeAll: async () => {
      for (const folder of made.splice(0)) rmSync(folder, { recursive: true, force: true });
    },
  };
};
