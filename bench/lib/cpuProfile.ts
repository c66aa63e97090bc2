import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

type ProfileNode = {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
};
type CpuProfile = { readonly nodes: readonly ProfileNode[]; readonly samples: readonly number[]; readonly timeDeltas: readonly number[] };

export type SelfTime = { readonly name: string; readonly where: string; readonly ms: number; readonly share: number };

const shortUrl = (url: string) => {
  const path = url.replace(/^file:\/\//, '');
  if (path === '') return '';
  // Profiled code runs from tsc's output (bench/out/profile-build/src/…): name it by its source path.
  const built = path.indexOf('profile-build/');
  if (built >= 0) return path.slice(built + 'profile-build/'.length).replace(/\.js$/, '.ts(js)');
  const inModules = path.lastIndexOf('node_modules/');
  return inModules >= 0 ? path.slice(inModules + 'node_modules/'.length) : relative(process.cwd(), path);
};

/** Self time per function (summed over every node of the same function) and per file, from a .cpuprofile. */
export const selfTimes = (file: string) => {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byNode = new Map<number, number>();
  profile.samples.forEach((id, i) => byNode.set(id, (byNode.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...byNode.values()].reduce((a, b) => a + b, 0);
  const byFunction = new Map<string, { name: string; where: string; us: number }>();
  const byFile = new Map<string, number>();
  for (const node of profile.nodes) {
    const us = byNode.get(node.id) ?? 0;
    if (us === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url === '' ? '' : `${shortUrl(url)}:${lineNumber + 1}`;
    const key = `${functionName}@${where}`;
    const entry = byFunction.get(key) ?? { name: functionName || '(anonymous)', where, us: 0 };
    entry.us += us;
    byFunction.set(key, entry);
    const fileKey = url === '' ? functionName : shortUrl(url);
    byFile.set(fileKey, (byFile.get(fileKey) ?? 0) + us);
  }
  const rank = <T extends { us: number }>(entries: Iterable<T>) => [...entries].sort((a, b) => b.us - a.us);
  return {
    totalMs: total / 1000,
    functions: rank(byFunction.values()).map((f): SelfTime => ({ name: f.name, where: f.where, ms: f.us / 1000, share: f.us / total })),
    files: rank([...byFile].map(([name, us]) => ({ name, us }))).map((f) => ({ name: f.name, ms: f.us / 1000, share: f.us / total })),
  };
};
