import { openEngine } from '../../src';
import { expectMessage, startChild } from '../lib/child';
import { figureOf } from '../lib/figures';
import { appendSample, latencyProbe } from '../lib/latencyProbe';
import { percentile } from '../lib/stats';
import { freshEngineStore, EngineStoreKind } from '../lib/benchStores';
import { progress } from '../lib/progress';
import { messageOf, repeat, BenchContext, Workload } from '../lib/workload';

/** Samples dropped at the start of each run: connection set-up and JIT, not steady latency. */
const WARMUP_SAMPLES = 20;

const summary = (latencies: readonly number[]) => ({ p50: percentile(latencies, 50), p99: percentile(latencies, 99) });

/** Appender and subscriber share one engine in this process. */
const inProcessRun = async (kind: EngineStoreKind, samples: number, run: number) => {
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
const crossProcessRun = async (kind: EngineStoreKind, samples: number, run: number) => {
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

const measure = async (
  ctx: BenchContext,
  name: string,
  kind: EngineStoreKind,
  once: (kind: EngineStoreKind, samples: number, run: number) => Promise<{ p50: number; p99: number }>,
) => {
  try {
    const values = await repeat(ctx.runs, async (run) => {
      const result = await once(kind, ctx.sizes.subscriptionSamples, run);
      progress(`${name} ${kind}: run ${run + 1} p50 ${result.p50.toFixed(2)} ms, p99 ${result.p99.toFixed(2)} ms`);
      return result;
    });
    const note = `${ctx.sizes.subscriptionSamples} samples per run, one in flight; from just before the append call to delivery`;
    ctx.emit(figureOf({ name: `${name}.p50`, store: kind, unit: 'ms', note }, values.p50));
    ctx.emit(figureOf({ name: `${name}.p99`, store: kind, unit: 'ms', note }, values.p99));
  } catch (e) {
    ctx.emit({ name: `${name}.p99`, store: kind, unit: 'ms', error: messageOf(e) });
  }
};

/**
 * Append → delivery to an `engine.subscribe` status subscriber: in-process on memory, SQLite and
 * PostgreSQL, and from another process appending to the same SQLite file or PostgreSQL schema.
 */
export const subscriptionLatency: Workload = {
  name: 'subscription',
  description: 'append → engine.subscribe delivery, p50/p99, in-process (memory, SQLite, PostgreSQL) and across processes',
  run: async (ctx) => {
    for (const kind of ['memory', 'sqlite', 'postgres'] as const) await measure(ctx, 'subscription.in-process', kind, inProcessRun);
    for (const kind of ['sqlite', 'postgres'] as const) await measure(ctx, 'subscription.cross-process', kind, crossProcessRun);
  },
};
