/** The flags `npm run bench -- …` takes. */
export type BenchArgs = {
  /** Workload names to run (all when empty). */
  readonly only: readonly string[];
  /** A small smoke run: tiny sizes, same code paths. */
  readonly quick: boolean;
  /** Events in the log that rebuild and verify read. */
  readonly events: number;
  /** Measured runs per figure (at least 3 for a full run). */
  readonly runs: number;
  /** Stores to measure on (`sqlite`, `postgres`, `memory`, `redis`); every store when undefined. */
  readonly stores: ReadonlySet<string> | undefined;
};

/** The stores the workloads measure on, as `--stores` names them. */
export const STORES = ['memory', 'sqlite', 'postgres', 'redis'];

/** `--flag=value` as `[flag, value]`; any other argument as `[argument, undefined]`. */
export const splitFlag = (arg: string): [string, string | undefined] => {
  if (!arg.startsWith('--') || !arg.includes('=')) return [arg, undefined];
  const at = arg.indexOf('=');
  return [arg.slice(0, at), arg.slice(at + 1)];
};

/** Whether a run asked for figures of `store`: `--stores` names it, or names nothing. */
export const measures = (args: Pick<BenchArgs, 'stores'>, store: string) =>
  args.stores === undefined || args.stores.has(store);

const USAGE = `usage: npm run bench -- [--only <workload>[,<workload>…]] [--stores <store>[,<store>…]] [--quick] [--events <n>] [--runs <n>]`;

const positiveInt = (flag: string, value: string | undefined): number => {
  const n = Number(value?.replace(/_/g, ''));
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${flag} needs a positive integer\n${USAGE}`);
  return n;
};

export const parseArgs = (argv: readonly string[]): BenchArgs => {
  const only: string[] = [];
  let quick = false;
  let events: number | undefined;
  let runs: number | undefined;
  let stores: Set<string> | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = splitFlag(arg ?? '');
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--only':
        only.push(...(value() ?? '').split(',').filter((s) => s !== ''));
        break;
      case '--stores':
        stores ??= new Set();
        for (const store of (value() ?? '').split(',').filter((s) => s !== '')) {
          if (!STORES.includes(store))
            throw new Error(`unknown store ${store}: one of ${STORES.join(', ')}\n${USAGE}`);
          stores.add(store);
        }
        break;
      case '--quick':
        quick = true;
        break;
      case '--events':
        events = positiveInt('--events', value());
        break;
      case '--runs':
        runs = positiveInt('--runs', value());
        break;
      case '--help':
      case '-h':
        throw new Error(USAGE);
      default:
        throw new Error(`unknown argument ${String(arg)}\n${USAGE}`);
    }
  }
  return { only, quick, events: events ?? (quick ? 20_000 : 1_000_000), runs: runs ?? 3, stores };
};
