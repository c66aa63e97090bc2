import { openEngine } from '../../src';
import { oneShotChild } from '../lib/childMain';
import { sampleRss } from '../lib/rssSampler';
import { progress } from '../lib/progress';

export type RebuildInput = { readonly path: string; readonly mode: 'prepare' | 'rebuild' };
export type RebuildResult = { readonly events: number; readonly seconds: number; readonly beforeMB: number; readonly peakMB: number };

/**
 * In a fresh process, so its peak RSS is the rebuild's: opens the engine on the log and times
 * `engine.rebuild()` (every projection dropped and refolded from position 0). `prepare` only
 * lets the engine catch its read models up once, untimed, after the log is generated.
 */
oneShotChild(async ({ path, mode }: RebuildInput): Promise<RebuildResult> => {
  const engine = await openEngine({ store: `sqlite:${path}`, actor: 'bench' });
  try {
    const rss = sampleRss();
    const started = performance.now();
    let events = 0;
    if (mode === 'prepare') await engine.list({ page_size: 1 });
    else {
      let shown = 0;
      events = (
        await engine.rebuild(undefined, (p) => {
          if (p.events - shown >= 100_000) {
            shown = p.events;
            progress(`rebuild: ${p.events} events`);
          }
        })
      ).events;
    }
    const seconds = (performance.now() - started) / 1000;
    return { events, seconds, ...rss.stop() };
  } finally {
    await engine.close();
  }
});
