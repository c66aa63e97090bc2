import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

/** The checkout this bench belongs to. */
export const ROOT = join(__dirname, '..', '..');

const git = (args: readonly string[]) => execFileSync('git', args, { cwd: ROOT, maxBuffer: 1 << 28 });

/** The full name of the commit `revision` names, or an error saying it names none here. */
export const resolveCommit = (revision: string): string => {
  try {
    return git(['rev-parse', '--verify', '--quiet', `${revision}^{commit}`])
      .toString('utf8')
      .trim();
  } catch {
    throw new Error(`${revision} names no commit of this repository`);
  }
};

/** A place the bench can run from: a checkout, or a tree made for one commit. */
export type SourceTree = {
  readonly dir: string;
  readonly label: string;
  /** False when the commit's package-lock.json differs from this checkout's, whose packages it runs with. */
  readonly samePackages: boolean;
  readonly remove: () => void;
};

/** This checkout as it is, uncommitted changes included. */
export const workingTree = (): SourceTree => ({
  dir: ROOT,
  label: 'working tree',
  samePackages: true,
  remove: () => undefined,
});

const underBench = (path: string) => relative(join(ROOT, 'bench'), path);

/**
 * A temporary tree that runs the engine as it was at `commit` under this checkout's harness:
 * the commit's src/ (and its package.json and tsconfig.json), this checkout's bench/, so both
 * sides of a comparison are measured by the same code, and this checkout's installed packages,
 * linked. Node resolves a module's relative imports from its real path, so bench/ is copied,
 * not linked: its children then import the commit's src/. When `withDist`, the commit's
 * package is built too (the startup workload loads dist/).
 */
export const treeAt = (commit: string, withDist: boolean): SourceTree => {
  const dir = mkdtempSync(join(tmpdir(), `taskledger-compare-${commit.slice(0, 10)}-`));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    const files = ['src', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];
    const present = files.filter((f) => git(['ls-tree', '--name-only', commit, f]).length > 0);
    execFileSync('tar', ['-x', '-C', dir], { input: git(['archive', '--format=tar', commit, ...present]) });
    cpSync(join(ROOT, 'bench'), join(dir, 'bench'), {
      recursive: true,
      filter: (path) => !/^(node_modules|out)(\/|$)/.test(underBench(path)),
    });
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    symlinkSync(join(ROOT, 'bench', 'node_modules'), join(dir, 'bench', 'node_modules'), 'dir');
    if (withDist)
      execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
        cwd: dir,
        stdio: ['ignore', 'ignore', 'inherit'],
      });
    const lockfile = (root: string) =>
      existsSync(join(root, 'package-lock.json'))
        ? readFileSync(join(root, 'package-lock.json'), 'utf8')
        : '';
    return { dir, label: commit.slice(0, 10), samePackages: lockfile(dir) === lockfile(ROOT), remove };
  } catch (e) {
    remove();
    throw e;
  }
};
