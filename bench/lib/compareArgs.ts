import { splitFlag } from './args';

/** The flags `npm run bench:compare -- …` takes; the bench's own flags pass through to each run. */
export type CompareArgs = {
  /** The revision measured as the baseline. */
  readonly base: string;
  /** The revision under test; undefined: this checkout's working tree, uncommitted changes included. */
  readonly head: string | undefined;
  /** How many times each side runs, alternating which goes first. */
  readonly pairs: number;
  readonly json: boolean;
  /** Handed to every `bench/run.ts` (with `--runs 1`): --only, --stores, --events, --quick. */
  readonly benchArgs: readonly string[];
};

export const COMPARE_USAGE = `usage: npm run bench:compare -- --base <rev> [--head <rev>] --only <workload>[,…] [--stores <store>[,…]] [--pairs <n>] [--events <n>] [--quick] [--json]`;

const fail = (message: string): never => {
  throw new Error(`${message}\n${COMPARE_USAGE}`);
};

export const parseCompareArgs = (argv: readonly string[]): CompareArgs => {
  let base: string | undefined;
  let head: string | undefined;
  let pairs = 3;
  let json = false;
  const benchArgs: string[] = [];
  let hasOnly = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const [flag, inline] = splitFlag(arg);
    const value = () => inline ?? argv[++i] ?? fail(`${flag} needs a value`);
    switch (flag) {
      case '--base':
        base = value();
        break;
      case '--head':
        head = value();
        break;
      case '--pairs': {
        const n = Number(value());
        if (!Number.isSafeInteger(n) || n <= 0) fail('--pairs needs a positive integer');
        pairs = n;
        break;
      }
      case '--json':
        json = true;
        break;
      case '--only':
        hasOnly = true;
        benchArgs.push('--only', value());
        break;
      case '--events':
      case '--stores':
        benchArgs.push(flag, value());
        break;
      case '--quick':
        benchArgs.push('--quick');
        break;
      case '--runs':
        // A pair is one run of each side: more runs per side would compare medians of drift.
        fail('--runs is not taken here: each side runs once per pair; ask for more --pairs');
        break;
      case '--help':
      case '-h':
        throw new Error(COMPARE_USAGE);
      default:
        fail(`unknown argument ${arg}`);
    }
  }
  if (base === undefined) return fail('--base is required');
  // A comparison of every workload would take hours of pairs; name what the change is about.
  if (!hasOnly) return fail('--only is required');
  return { base, head, pairs, json, benchArgs };
};
