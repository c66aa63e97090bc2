import { betterWhen, compareFigures, pairOrder, signTestP, type Pair } from '../../bench/lib/comparison';
import { parseCompareArgs } from '../../bench/lib/compareArgs';
import type { Environment, Figure } from '../../bench/lib/figures';

const environment: Environment = {
  name: 'environment',
  date: '2026-12-07T00:00:00.000Z',
  cores: 2,
  cpu: 'test',
  memoryGiB: 1,
  node: 'v20',
  postgres: '-',
  sqlite: '-',
  redis: '-',
  quick: true,
  events: 1,
};
const rate = (median: number): Figure => ({
  name: 'lifecycle.sequential',
  store: 'sqlite',
  unit: 'events/s',
  median,
  min: median,
  max: median,
  runs: 1,
});
const p99 = (median: number): Figure => ({
  name: 'subscription.p99',
  store: 'memory',
  unit: 'ms',
  median,
  min: median,
  max: median,
  runs: 1,
});

describe('pairOrder', () => {
  it('alternates which side runs first, so drift weighs on both', () => {
    expect([0, 1, 2, 3].map(pairOrder)).toEqual([
      ['base', 'head'],
      ['head', 'base'],
      ['base', 'head'],
      ['head', 'base'],
    ]);
  });
});

describe('compareFigures', () => {
  it('summarises each side and the head ÷ base ratio of every pair', () => {
    const pairs: Pair[] = [
      { base: [environment, rate(100), p99(4)], head: [environment, rate(150), p99(2)] },
      { base: [rate(200), p99(4)], head: [rate(200), p99(3)] },
      { base: [rate(100), p99(8)], head: [rate(120), p99(2)] },
    ];
    const [lifecycle, latency] = compareFigures(pairs);
    expect(lifecycle).toMatchObject({
      name: 'lifecycle.sequential',
      base: { median: 100, min: 100, max: 200, runs: 3 },
      head: { median: 150, runs: 3 },
      ratio: { median: 1.2, min: 1, max: 1.5, runs: 3 },
      better: 'higher',
      pairs: { above: 2, below: 0, same: 1 },
      signTestP: 0.5,
      problems: [],
    });
    expect(latency).toMatchObject({ ratio: { median: 0.5, min: 0.25, max: 0.75 }, better: 'lower' });
  });

  it('counts a pair only where both sides measured the figure, and keeps what a side said instead', () => {
    const failed: Figure = {
      name: 'lifecycle.sequential',
      store: 'sqlite',
      unit: 'events/s',
      error: 'SQLITE_BUSY',
    };
    const compared = compareFigures([
      { base: [rate(100)], head: [failed] },
      { base: [rate(100)], head: [rate(110)] },
    ]);
    expect(compared).toHaveLength(1);
    expect(compared[0]).toMatchObject({
      base: { runs: 1 },
      head: { median: 110, runs: 1 },
      ratio: { median: 1.1, runs: 1 },
    });
    expect(compared[0]?.problems).toEqual(['head: SQLITE_BUSY']);
  });

  it('lists a figure that never got a number on both sides, with why', () => {
    const skipped: Figure = { name: 'workers', store: 'postgres', unit: 'tasks/s', skipped: 'no server' };
    const [workers] = compareFigures([{ base: [skipped], head: [skipped] }]);
    expect(workers).toMatchObject({
      base: { runs: 0 },
      ratio: { runs: 0 },
      problems: ['base: no server', 'head: no server'],
    });
  });
});

describe('signTestP', () => {
  it('is the exact two-sided binomial tail of the smaller side', () => {
    expect(signTestP(3, 0)).toBe(0.25);
    expect(signTestP(0, 10)).toBeCloseTo(2 / 1024, 12);
    // 8 of 10 one way: 2 × (1 + 10 + 45) / 1024.
    expect(signTestP(8, 2)).toBeCloseTo(112 / 1024, 12);
    expect(signTestP(5, 5)).toBe(1);
    expect(signTestP(0, 0)).toBe(1);
  });
});

describe('betterWhen', () => {
  it('knows the units the bench prints', () => {
    expect(['events/s', 'tasks/s', '×', 'ms', 'MB', 'µs/decision', '{jobs}'].map(betterWhen)).toEqual([
      'higher',
      'higher',
      'higher',
      'lower',
      'lower',
      'lower',
      undefined,
    ]);
  });
});

describe('parseCompareArgs', () => {
  it('passes the bench flags through and keeps its own', () => {
    expect(
      parseCompareArgs(['--base', 'abc', '--only=workers', '--pairs', '4', '--events', '1000', '--json']),
    ).toEqual({
      base: 'abc',
      head: undefined,
      pairs: 4,
      json: true,
      benchArgs: ['--only', 'workers', '--events', '1000'],
    });
  });

  it.each([
    [['--only', 'decide'], /--base is required/],
    [['--base', 'abc'], /--only is required/],
    [['--base', 'abc', '--only', 'decide', '--runs', '3'], /--runs is not taken here/],
    [['--base', 'abc', '--only', 'decide', '--pairs', '0'], /--pairs needs a positive integer/],
    [['--base', 'abc', '--only', 'decide', '--bogus'], /unknown argument --bogus/],
    [['--base'], /--base needs a value/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseCompareArgs(argv)).toThrow(message);
  });
});
