import { openEngine } from '../../src';
import { oneShotChild } from '../lib/childMain';
import { sampleRss } from '../lib/rssSampler';
import { progress } from '../lib/progress';

export type VerifyInput = { readonly path: string };
export type VerifyResult = {
  readonly events: number;
  readonly seconds: number;
  readonly ok: boolean;
  readonly broken: number;
  readonly beforeMB: number;
  readonly peakMB: number;
};

/** In a fresh process: times `engine.verify()` (hash chains and transitions of the whole log). */
oneShotChild(async ({ path }: VerifyInput): Promise<VerifyResult> => {
  const engine = await openEngine({ store: `sqlite:${path}`, actor: 'bench' });
  try {
    const rss = sampleRss();
    const started = performance.now();
    const report = await engine.verify({
      progressEvery: 100_000,
      onProgress: (p) => progress(`verify: ${p.events} events`),
    });
    const seconds = (performance.now() - started) / 1000;
    return { events: report.totals.events, seconds, ok: report.ok, broken: report.totals.broken, ...rss.stop() };
  } finally {
    await engine.close();
  }
});
