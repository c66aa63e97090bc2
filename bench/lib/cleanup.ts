/** Things to remove when the run ends (temp files shared by several workloads). */
const cleanups: (() => Promise<void>)[] = [];

export const atEnd = (cleanup: () => Promise<void>) => {
  cleanups.push(cleanup);
};

export const runCleanups = async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
};
