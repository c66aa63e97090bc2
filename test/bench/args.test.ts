import { measures, parseArgs } from '../../bench/lib/args';

describe('bench arguments', () => {
  it('measures every store unless --stores names some', () => {
    const all = parseArgs(['--only', 'workers']);
    expect(['memory', 'sqlite', 'postgres', 'redis'].every((store) => measures(all, store))).toBe(true);
    const some = parseArgs(['--stores', 'sqlite,redis', '--stores=memory']);
    expect(['memory', 'sqlite', 'postgres', 'redis'].filter((store) => measures(some, store))).toEqual([
      'memory',
      'sqlite',
      'redis',
    ]);
  });

  it('keeps the defaults of a full run', () => {
    expect(parseArgs([])).toEqual({ only: [], quick: false, events: 1_000_000, runs: 3, stores: undefined });
  });
});
