import { openEngine } from '../../src';
import { expectMessage, startChild } from './child';
import { appendSample, latencyProbe } from './latencyProbe';
import { percentile } from './stats';
import { freshEngineStore, EngineStoreKind } from './benchStores';

/** Samples dropped at the start of each run: connection set-up and JIT, not steady latency. */
const WARMUP_SAMPLES = 20;

export type LatencySummary = { readonly p50: number; readonly p99: number };

const summary = (latencies: readonly number[]): LatencySummary => ({
  p50: percentile(latencies, 50),
  p99: percentile(latencies, 99),
});

/** Appender and subscriber share one engine in this process. */
export const inProcessRun = async (
  kind: EngineStoreKind,
  samples: number,
  run: number,
): Promise<LatencySummary> => {
  const store = freshEngineStore(kind, `subin${run}`);
  const engine = await openEngine({ store: store.url, actor: 'bench' });
  const probe = await latencyProbe(engine);
  try {
    const latencies: number[] = [];
    for (let i = 0; i < samples + WARMUP_SAMPLES; i++) {
      const id = `lat-${run}-${i}`;
      const delivered = probe.delivery(id);
      await appendSample(engine, id);
      const latency = await delivered;
      if (i >= WARMUP_SAMPLES) latencies.push(latency);
    }
    return summary(latencies);
  } finally {
    await probe.close();
    await engine.close();
    await store.cleanup();
  }
};

/** The appender is another process on the same SQLite file or PostgreSQL schema. */
export const crossProcessRun = async (
  kind: EngineStoreKind,
  samples: number,
  run: number,
): Promise<LatencySummary> => {
  const store = freshEngineStore(kind, `subx${run}`);
  const engine = await openEngine({ store: store.url, actor: 'bench' });
  const probe = await latencyProbe(engine);
  const appender = startChild('appenderChild.ts', { url: store.url });
  try {
    await expectMessage(appender, 'ready');
    const latencies: number[] = [];
    for (let i = 0; i < samples + WARMUP_SAMPLES; i++) {
      const id = `latx-${run}-${i}`;
      const delivered = probe.delivery(id);
      appender.send({ type: 'sample', id });
      const [latency] = await Promise.all([delivered, expectMessage(appender, 'appended')]);
      if (i >= WARMUP_SAMPLES) latencies.push(latency);
    }
    return summary(latencies);
  } finally {
    appender.send({ type: 'stop' });
    await appender.exited;
    await probe.close();
    await engine.close();
    await store.cleanup();
  }
};
