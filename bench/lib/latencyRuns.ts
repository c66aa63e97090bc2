import { openEngine, Engine } from '../../src';
import { expectMessage, startChild } from './child';
import { appendSample, latencyProbe } from './latencyProbe';
import { percentile } from './stats';
import { freshEngineStore, EngineStoreKind } from './benchStores';

/** Samples dropped at the start of each run: connection set-up and JIT, not steady latency. */
const WARMUP_SAMPLES = 20;

export type LatencySummary = { readonly p50: number; readonly p99: number };

type Probe = Awaited<ReturnType<typeof latencyProbe>>;

/** A fresh store with a subscribing engine on it, for `body`; everything closed after. */
const withSubscriber = async <T>(
  kind: EngineStoreKind,
  label: string,
  body: (engine: Engine, probe: Probe, url: string) => Promise<T>,
): Promise<T> => {
  const store = freshEngineStore(kind, label);
  const engine = await openEngine({ store: store.url, actor: 'bench' });
  const probe = await latencyProbe(engine);
  try {
    return await body(engine, probe, store.url);
  } finally {
    await probe.close();
    await engine.close();
    await store.cleanup();
  }
};

/** Times `samples` deliveries one at a time after the warm-up; `append` makes the sample `id`. */
const measure = async (
  samples: number,
  ids: string,
  probe: Probe,
  append: (id: string) => Promise<unknown>,
) => {
  const latencies: number[] = [];
  for (let i = 0; i < samples + WARMUP_SAMPLES; i++) {
    const id = `${ids}-${i}`;
    const [latency] = await Promise.all([probe.delivery(id), append(id)]);
    if (i >= WARMUP_SAMPLES) latencies.push(latency);
  }
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
};

/** Appender and subscriber share one engine in this process. */
export const inProcessRun = (kind: EngineStoreKind, samples: number, run: number): Promise<LatencySummary> =>
  withSubscriber(kind, `subin${run}`, (engine, probe) =>
    measure(samples, `lat-${run}`, probe, (id) => appendSample(engine, id)),
  );

/** The appender is another process on the same SQLite file or PostgreSQL schema. */
export const crossProcessRun = (
  kind: EngineStoreKind,
  samples: number,
  run: number,
): Promise<LatencySummary> =>
  withSubscriber(kind, `subx${run}`, async (_engine, probe, url) => {
    const appender = startChild('appenderChild.ts', { url });
    try {
      await expectMessage(appender, 'ready');
      return await measure(samples, `latx-${run}`, probe, (id) => {
        appender.send({ type: 'sample', id });
        return expectMessage(appender, 'appended');
      });
    } finally {
      appender.send({ type: 'stop' });
      await appender.exited;
    }
  });
