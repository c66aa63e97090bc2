import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { resolveCommit, ROOT, treeAt } from '../../bench/lib/sourceTree';

const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' });

describe('treeAt', () => {
  it("holds the commit's src/, this checkout's bench/ and linked packages, and goes away on remove", () => {
    const commit = resolveCommit('HEAD');
    const tree = treeAt(commit, false);
    try {
      expect(readFileSync(join(tree.dir, 'src', 'index.ts'), 'utf8')).toBe(
        git('show', `${commit}:src/index.ts`),
      );
      // Copied, not linked: a child's `../../src` must resolve inside the tree, not the checkout.
      expect(lstatSync(join(tree.dir, 'bench')).isSymbolicLink()).toBe(false);
      expect(readFileSync(join(tree.dir, 'bench', 'compare.ts'), 'utf8')).toBe(
        readFileSync(join(ROOT, 'bench', 'compare.ts'), 'utf8'),
      );
      expect(existsSync(join(tree.dir, 'bench', 'out'))).toBe(false);
      expect(realpathSync(join(tree.dir, 'node_modules'))).toBe(realpathSync(join(ROOT, 'node_modules')));
      expect(tree.label).toBe(commit.slice(0, 10));
    } finally {
      tree.remove();
    }
    expect(existsSync(tree.dir)).toBe(false);
  });

  it('says when a revision names no commit', () => {
    expect(() => resolveCommit('no-such-revision-anywhere')).toThrow(/names no commit/);
  });
});
