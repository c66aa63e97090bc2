import { parseArgs } from './lib/args';
import { printLine, Figure } from './lib/figures';
import { describeEnvironment } from './lib/environment';
import { progress } from './lib/progress';
import { messageOf, sizesFor, Workload } from './lib/workload';
import { workloads } from './workloads';
import { runCleanups } from './lib/cleanup';

/**
 * `npm run bench`: every workload (or those named by --only), one JSON line per figure on
 * stdout, after one line describing the environment. Progress goes to stderr on a terminal.
 */
const main = async () => {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${messageOf(e)}\n${workloads.map((w) => `  ${w.name.padEnd(14)} ${w.description}`).join('\n')}\n`);
    process.exit(2);
  }
  const unknown = args.only.filter((name) => !workloads.some((w) => w.name === name));
  if (unknown.length > 0) {
    process.stderr.write(`unknown workload ${unknown.join(', ')}: one of ${workloads.map((w) => w.name).join(', ')}\n`);
    process.exit(2);
  }
  const selected: Workload[] = args.only.length === 0 ? [...workloads] : workloads.filter((w) => args.only.includes(w.name));
  printLine(await describeEnvironment(args));
  const ctx = {
    ...args,
    sizes: sizesFor(args.quick),
    emit: (figure: Figure) => {
      printLine(figure);
      progress(`${figure.name} ${figure.store}: ${figure.error ?? figure.skipped ?? `${figure.median} ${figure.unit}`}`);
    },
  };
  for (const workload of selected) {
    progress(`${workload.name}: ${workload.description}`);
    try {
      await workload.run(ctx);
    } catch (e) {
      // One broken workload must not hide the figures of the others.
      ctx.emit({ name: workload.name, store: '-', unit: '-', error: messageOf(e) });
    }
  }
  await runCleanups();
};

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
