/** The fleet model's configuration, the costs it replays and what it counts (fleet-model.ts). */
import type { EditSample, FailoverSample } from './fleet-sample';

export interface FleetConfig {
  clusters: number;
  busyFraction: number;
  members: number;
  loopWaitSeconds: number;
  resyncPeriodSeconds: number;
  /** Whether the leader Endpoints (renewed every loop_wait) is a related object of the cluster. */
  watchLeaderEndpoints: boolean;
  workers: number;
  qps: number;
  burst: number;
  hookReplicas: number;
  /** Network round trip to the hook service and to the API server (an API request's latency). */
  hookRttMs: number;
  apiLatencyMs: number;
  seconds: number;
  warmupSeconds: number;
  edits: number;
  failovers: number;
  /** A failover storm: this fraction of the clusters fail at once at `stormAt`. */
  stormFraction?: number;
  stormAt?: number;
  seed: number;
}

/** What the real hooks measured (fleet-sample.ts), per sync. */
export interface Costs {
  syncCpuMicros: { idle: number[]; busy: number[] };
  customizeCpuMicros: number[];
  /** Metacontroller's writes per steady sync (status, children): a Bernoulli rate each. */
  statusWritesPerSync: { idle: number; busy: number };
  childWritesPerSync: { idle: number; busy: number };
  failovers: FailoverSample[];
  edit: EditSample;
}

export interface ClassCounts {
  clusterSeconds: number;
  syncs: number;
  hookCalls: number;
  hookCpuMicros: number;
  apiReads: number;
  apiWrites: number;
  statusWrites: number;
}

export interface FleetResult {
  seconds: number;
  idle: ClassCounts;
  busy: ClassCounts;
  hookCpuMicros: number;
  apiRequests: number;
  maxQueue: number;
  edits: number[];
  failovers: number[];
  storm: number[];
}
