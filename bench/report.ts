import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Environment, Figure, isEnvironment, parseLines } from './lib/figures';
import { context, FigureKey, pairedName, pairedRatioName, Target, targets } from './lib/targets';

/**
 * Turns the JSON lines of one `npm run bench` into bench/RESULTS.md: the environment, every
 * figure, and the issue's targets as ratios of figures from that same run, marked met or missed.
 *   npx tsx bench/report.ts bench/out/results.jsonl [--out bench/RESULTS.md]
 */
const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const out = outIndex >= 0 ? args[outIndex + 1] : join(__dirname, 'RESULTS.md');
const input = args.find((a, i) => !a.startsWith('--') && !(outIndex >= 0 && i === outIndex + 1));
const lines = parseLines(readFileSync(input ?? 0, 'utf8'));
const environment = lines.find(isEnvironment);
const figures = lines.filter((l): l is Figure => !isEnvironment(l));

const find = (key: FigureKey) =>
  figures.find((f) => f.name === key.name && f.store === key.store && f.unit === key.unit) ??
  figures.find((f) => f.name === key.name && f.store === key.store && f.error !== undefined);

const number = (n: number | undefined) =>
  n === undefined || !Number.isFinite(n) ? '—' : n >= 1000 ? Math.round(n).toLocaleString('en-US') : String(n);

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

const figureTable = () => [
  '| figure | store | unit | median | min | max | runs | notes |',
  '|---|---|---|---:|---:|---:|---:|---|',
  ...figures.map((f) => {
    const notes = [f.error && `**error:** ${f.error}`, f.skipped && `**skipped:** ${f.skipped}`, f.durability && `durability: ${f.durability}`, f.note]
      .filter(Boolean)
      .join('; ');
    return `| ${f.name} | ${f.store} | ${f.unit} | ${number(f.median)} | ${number(f.min)} | ${number(f.max)} | ${f.runs ?? '—'} | ${cell(notes)} |`;
  }),
];

type Judged = { what: string; ours: string; reference: string; value: string; target: string; verdict: string };

const judge = (t: Target): Judged => {
  const ours = find(t.ours);
  const reference = t.reference && find(t.reference);
  const base = { what: t.what, ours: number(ours?.median), reference: t.reference ? number(reference?.median) : '—', target: `${t.op === '>=' ? '≥' : '≤'} ${t.bound}` };
  const paired = t.paired === true && t.reference !== undefined ? pairedJudgement(t, t.reference) : undefined;
  if (paired !== undefined) return { ...base, ...paired };
  if (ours?.median === undefined) return { ...base, value: '—', verdict: `not measured${ours?.error ? ` (${ours.error})` : ours?.skipped ? ` (${ours.skipped})` : ''}` };
  if (t.reference !== undefined) {
    // Emmett SQLite as shipped may fail outright; then the figure of a caller retrying its lock errors stands in.
    const fallback = reference?.median === undefined && t.fallback !== undefined ? find(t.fallback) : undefined;
    const used = fallback?.median !== undefined ? fallback : reference;
    if (used?.median === undefined)
      return reference?.error !== undefined
        ? { ...base, reference: 'fails', value: '—', verdict: `**met: the peer cannot run it** (${reference.error})` }
        : { ...base, value: '—', verdict: 'reference not measured' };
    const ratio = ours.median / used.median;
    const ok = t.op === '>=' ? ratio >= t.bound : ratio <= t.bound;
    const against = used === fallback ? ` (against ${used.name}: Emmett as shipped failed — ${reference?.error ?? 'no figure'})` : '';
    return { ...base, reference: number(used.median), value: `${ratio.toFixed(2)}×`, verdict: `${ok ? '**met**' : '**missed**'}${against}` };
  }
  const ok = t.op === '>=' ? ours.median >= t.bound : ours.median <= t.bound;
  return { ...base, value: number(ours.median), verdict: ok ? '**met**' : '**missed**' };
};

/** What the paired rounds measured for a ratio: the rounds' ratios and each side's rates. */
const pairedFigures = (ours: FigureKey, reference: FigureKey) => ({
  ratio: find({ name: pairedRatioName(ours.name, reference.name), store: ours.store, unit: '×' }),
  ours: find({ ...ours, name: pairedName(ours.name) }),
  theirs: find({ ...reference, name: pairedName(reference.name) }),
});

/** The ratio of the separate workloads' medians, for comparison with the rounds'. */
const separateRatio = (ours: FigureKey, reference: FigureKey) => {
  const a = find(ours)?.median;
  const b = find(reference)?.median;
  return a !== undefined && b !== undefined ? `${(a / b).toFixed(2)}×` : '—';
};

const range = (f: Figure) => `${f.min?.toFixed(2) ?? '?'}–${f.max?.toFixed(2) ?? '?'}×`;

/**
 * A target measured in rounds: the verdict is the median of the rounds' ratios; the ratio of the
 * separate workloads' medians is shown beside it, so a drift between them is visible.
 */
const pairedJudgement = (t: Target, reference: FigureKey): Omit<Judged, 'what' | 'target'> | undefined => {
  const { ratio, ours, theirs } = pairedFigures(t.ours, reference);
  if (ratio?.median === undefined) return undefined;
  const ok = t.op === '>=' ? ratio.median >= t.bound : ratio.median <= t.bound;
  return {
    ours: number(ours?.median),
    reference: number(theirs?.median),
    value: `${ratio.median.toFixed(2)}× †`,
    verdict: `${ok ? '**met**' : '**missed**'} (${ratio.runs ?? '?'} rounds: ${range(ratio)}; separate workloads: ${separateRatio(t.ours, reference)})`,
  };
};

const ratioTable = () => [
  '| target | taskledger | peer / raw | ratio or value | target | verdict |',
  '|---|---:|---:|---:|---:|---|',
  ...targets.map(judge).map((j) => `| ${j.what} | ${j.ours} | ${j.reference} | ${j.value} | ${j.target} | ${cell(j.verdict)} |`),
];

const contextTable = () => [
  '| ratio | numerator | denominator | ratio |',
  '|---|---:|---:|---:|',
  ...context.map((c) => {
    const a = find(c.ours)?.median;
    const b = c.reference && find(c.reference)?.median;
    const separate = c.reference === undefined ? '—' : separateRatio(c.ours, c.reference);
    const paired = c.paired === true && c.reference !== undefined ? pairedFigures(c.ours, c.reference) : undefined;
    const ratio = paired?.ratio;
    if (paired === undefined || ratio?.median === undefined) return `| ${c.what} | ${number(a)} | ${number(b)} | ${separate} |`;
    return `| ${c.what} | ${number(paired.ours?.median)} | ${number(paired.theirs?.median)} | ${ratio.median.toFixed(2)}× † (${range(ratio)}; separate: ${separate}) |`;
  }),
];

const environmentLines = (e: Environment | undefined) =>
  e === undefined
    ? ['(the run printed no environment line)']
    : [
        `- **Date:** ${e.date}`,
        `- **Machine:** ${e.cores} cores (${e.cpu}), ${e.memoryGiB} GiB memory`,
        `- **Node:** ${e.node}`,
        `- **PostgreSQL:** ${e.postgres}`,
        `- **SQLite:** ${e.sqlite} (better-sqlite3)`,
        `- **Redis:** ${e.redis}`,
        `- **Run:** ${e.quick ? '`--quick` (smoke sizes, not comparable)' : 'full'}, rebuild/verify log of ${e.events.toLocaleString('en-US')} events`,
      ];

const markdown = [
  '# Benchmark results',
  '',
  'Generated by `bench/report.ts` from the JSON lines of one `npm run bench` run — do not edit by hand.',
  'Every ratio below divides two figures measured in that same run on the same machine.',
  '',
  '```',
  'npm run --silent bench > bench/out/results.jsonl',
  'npx tsx bench/report.ts bench/out/results.jsonl',
  '```',
  '',
  '## Environment',
  '',
  ...environmentLines(environment),
  '',
  '## Targets (issue 7)',
  '',
  ...ratioTable(),
  '',
  '† Measured in rounds (workloads/paired.ts): each round runs taskledger (inline and async projections),',
  'Emmett PostgreSQL and the raw insert once each, back to back, and the ratio is the median of the rounds\'',
  'ratios; the figures beside it are the medians of those rounds. The ratio of the separate workloads\'',
  'medians is shown with it for comparison.',
  '',
  'Why a missed target is missed, what was measured and what would move it: [LIMITS.md](LIMITS.md).',
  '',
  'Other ratios from the same run, for context:',
  '',
  ...contextTable(),
  '',
  '## All figures',
  '',
  'Median, min and max over the runs; rates are per second of the timed section only (opening',
  'stores, enqueueing the workers\' tasks and generating the rebuild log are not timed).',
  'Subscription latency runs from just before the append call to delivery, one sample in flight.',
  '',
  ...figureTable(),
  '',
].join('\n');

if (out === undefined) throw new Error('--out needs a path');
writeFileSync(out, markdown);
process.stderr.write(`wrote ${out} (${figures.length} figures)\n`);
