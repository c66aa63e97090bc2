import { oneShotChild } from '../lib/childMain';
import type { EngineStoreKind } from '../lib/benchStores';
import { crossProcessRun, inProcessRun, LatencySummary } from '../lib/latencyRuns';

export type SubscriberInput = {
  readonly mode: 'in-process' | 'cross-process';
  readonly kind: EngineStoreKind;
  readonly samples: number;
  readonly run: number;
};

/**
 * One run of the subscription-latency workload in a fresh process: the subscriber's engine (and,
 * in-process, the appender) start on a clean heap, not inside the bench process after the
 * workloads before it, whose garbage and timers would show in the tail.
 */
oneShotChild(({ mode, kind, samples, run }: SubscriberInput): Promise<LatencySummary> =>
  (mode === 'in-process' ? inProcessRun : crossProcessRun)(kind, samples, run),
);
