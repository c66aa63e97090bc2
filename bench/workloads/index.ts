import type { Workload } from '../lib/workload';
import { lifecycle } from './lifecycle';
import { raw } from './raw';
import { peer } from './peer';
import { paired } from './paired';
import { rebuild } from './rebuild';
import { verify } from './verify';
import { decide } from './decide';
import { subscriptionLatency } from './subscriptionLatency';
import { workers } from './workers';
import { startup } from './startup';

/** Every workload, in the order a full run measures them. */
export const workloads: readonly Workload[] = [lifecycle, raw, peer, paired, rebuild, verify, subscriptionLatency, decide, workers, startup];
