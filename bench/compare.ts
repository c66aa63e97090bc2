import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from './lib/args';
import { TSX_LOADER } from './lib/child';
import { parseCompareArgs, type CompareArgs } from './lib/compareArgs';
import { compareFigures, pairOrder, type ComparedFigure, type Pair } from './lib/comparison';
import { parseLines, type Line } from './lib/figures';
import { progress } from './lib/progress';
import { round } from './lib/stats';
import { resolveCommit, treeAt, workingTree, type SourceTree } from './lib/sourceTree';

/**
 * `npm run bench:compare`: one change measured against another on the same machine, in
 * alternating pairs — how every "old against new" figure in LIMITS.md should be taken. Each side
 * runs `bench/run.ts --runs 1` once per pair, in its own tree (see sourceTree.ts), and the
 * figures come out as each side's median and the median of the pairs' head ÷ base ratios.
 *   npm run bench:compare -- --base 59a57b5 --only workers --pairs 4
 */
/** The whole message: usage lines and a failed run's stderr are part of it. */
const fullMessage = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** One bench run in `tree`; its figures, or an error carrying the end of what it wrote to stderr. */
const runBench = (tree: SourceTree, benchArgs: readonly string[]): Promise<Line[]> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', TSX_LOADER, join(tree.dir, 'bench', 'run.ts'), ...benchArgs, '--runs', '1'],
      { cwd: tree.dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, BENCH_PROGRESS: '0' } },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(parseLines(stdout))
        : reject(new Error(`the bench in ${tree.label} exited with ${code}:\n${stderr.trim()}`)),
    );
  });

const number = (n: number) => (Number.isFinite(n) ? round(n).toLocaleString('en-US') : '—');

/** A person's reading of one compared figure. */
const tableRow = (f: ComparedFigure) => {
  const ratio =
    f.ratio.runs === 0
      ? '—'
      : `${f.ratio.median.toFixed(3)}× (${f.ratio.min.toFixed(3)}–${f.ratio.max.toFixed(3)}, ${f.ratio.runs} pairs)`;
  const better = f.better === undefined ? '' : ` ${f.better} is better`;
  const split = `head above base in ${f.pairs.above}, below in ${f.pairs.below} (sign test p = ${f.signTestP.toPrecision(2)})`;
  const problems = f.problems.length === 0 ? '' : `\n    ${f.problems.join('\n    ')}`;
  return `${f.name} ${f.store} (${f.unit}${better}): base ${number(f.base.median)}, head ${number(f.head.median)}; head ÷ base ${ratio}; ${split}${problems}`;
};

const describe = (args: CompareArgs, base: SourceTree, head: SourceTree) =>
  `base ${base.label}, head ${head.label}, ${args.pairs} pairs of \`bench/run.ts ${args.benchArgs.join(' ')} --runs 1\``;

const main = async () => {
  let args: CompareArgs;
  try {
    args = parseCompareArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${fullMessage(e)}\n`);
    process.exit(2);
  }
  const withDist = parseArgs(args.benchArgs).only.includes('startup');
  const baseCommit = resolveCommit(args.base);
  const headCommit = args.head === undefined ? undefined : resolveCommit(args.head);
  progress(`building the tree of ${baseCommit.slice(0, 10)}${withDist ? ' (with dist/)' : ''}`);
  const trees: SourceTree[] = [];
  // Interrupted, the temporary trees go too (a finally block does not run on a signal).
  process.once('SIGINT', () => {
    for (const tree of trees) tree.remove();
    process.exit(130);
  });
  try {
    const base = treeAt(baseCommit, withDist);
    trees.push(base);
    const head = headCommit === undefined ? workingTree() : treeAt(headCommit, withDist);
    trees.push(head);
    for (const tree of [base, head])
      if (!tree.samePackages)
        process.stderr.write(
          `warning: ${tree.label} locks other package versions than this checkout; it runs with this checkout's\n`,
        );
    progress(describe(args, base, head));
    const pairs: Pair[] = [];
    for (let p = 0; p < args.pairs; p++) {
      const lines: Record<'base' | 'head', Line[]> = { base: [], head: [] };
      for (const side of pairOrder(p)) {
        progress(`pair ${p + 1} of ${args.pairs}: ${side} (${side === 'base' ? base.label : head.label})`);
        lines[side] = await runBench(side === 'base' ? base : head, args.benchArgs);
      }
      pairs.push(lines);
    }
    const compared = compareFigures(pairs);
    if (args.json) {
      for (const f of compared)
        process.stdout.write(
          `${JSON.stringify({ ...f, base: { ...f.base, label: base.label }, head: { ...f.head, label: head.label } })}\n`,
        );
    } else {
      process.stdout.write(`${describe(args, base, head)}\n${compared.map(tableRow).join('\n')}\n`);
    }
  } finally {
    for (const tree of trees) tree.remove();
  }
};

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${fullMessage(e)}\n`);
    process.exit(1);
  },
);
