import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runChild } from './lib/child';
import { selfTimes } from './lib/cpuProfile';
import type { LifecycleInput, LifecycleRun } from './children/lifecycleChild';

/**
 * Profiles the lifecycle workload on SQLite (or `--store postgres`) with one caller and with 8
 * (`node --cpu-prof`, one process per configuration, warm-up included) and prints the top
 * self-time functions and files.
 *   npx tsx bench/profile.ts [--store sqlite|postgres] [--tasks 2000] [--top 25]
 * Profiles stay in bench/out/profiles/ for Chrome DevTools or speedscope. The child runs from
 * JavaScript compiled by tsc (bench/out/profile-build), not through tsx: tsx's transform leaves
 * the profiler one anonymous function per module, tsc keeps every function's name and line.
 */
const flag = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const tasks = flag('--tasks', 2_000);
const store = process.argv.includes('postgres') ? 'postgres' : 'sqlite';
const top = flag('--top', 25);

const ROOT = join(__dirname, '..');
const BUILD = join(__dirname, 'out', 'profile-build');

const compile = () => {
  rmSync(BUILD, { recursive: true, force: true });
  try {
    execFileSync(
      process.execPath,
      [
        require.resolve('typescript/bin/tsc'),
        '-p',
        join(ROOT, 'tsconfig.json'),
        '--noEmit',
        'false',
        '--outDir',
        BUILD,
        '--sourceMap',
        'false',
        '--noEmitOnError',
        'false',
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
  } catch {
    // Type errors elsewhere in the tree (work in progress) do not stop tsc from emitting.
  }
  return join(BUILD, 'bench', 'children', 'lifecycleChild.js');
};

const main = async () => {
  const compiledScript = compile();
  for (const callers of [1, 8]) {
    const dir = join(__dirname, 'out', 'profiles', `lifecycle-${store}-${callers}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const input: LifecycleInput = { store, projections: 'inline', callers, tasks, runs: 1, warmupTasks: 100 };
    const { result } = await runChild<LifecycleRun[]>('lifecycleChild.ts', input, {
      execArgv: ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=250'],
      compiledScript,
    });
    const run = result[0];
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (run === undefined || file === undefined) throw new Error(`no profile in ${dir}`);
    const profile = selfTimes(join(dir, file));
    const out = [
      `\n## lifecycle on ${store}, ${callers} caller${callers > 1 ? 's' : ''}: ${Math.round(run.events / run.seconds)} events/s under the profiler; ${profile.totalMs.toFixed(0)} ms sampled (${join('bench/out/profiles', `lifecycle-${store}-${callers}`, file)})`,
      '',
      '| self ms | share | function | where |',
      '|---:|---:|---|---|',
      ...profile.functions
        .slice(0, top)
        .map((f) => `| ${f.ms.toFixed(0)} | ${(f.share * 100).toFixed(1)}% | ${f.name} | ${f.where} |`),
      '',
      '| self ms | share | file |',
      '|---:|---:|---|',
      ...profile.files
        .slice(0, 12)
        .map((f) => `| ${f.ms.toFixed(0)} | ${(f.share * 100).toFixed(1)}% | ${f.name} |`),
    ];
    process.stdout.write(`${out.join('\n')}\n`);
  }
};

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
