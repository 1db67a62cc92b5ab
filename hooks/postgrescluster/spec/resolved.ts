/**
 * The cluster after defaults: every field a builder reads is present, so builders never guess.
 * `resolveSpec` (defaults.ts) is the only place that fills it; builders take it and never throw.
 */
import type {
  V1Affinity,
  V1ResourceRequirements,
  V1Toleration,
  V1TopologySpreadConstraint,
} from '@kubernetes/client-node';
import type { Plain } from '../../lib/k8s.js';
import type { ResolvedBackup, ResolvedRestore } from '../backup/types.js';
import type { ResolvedLogging } from './logging.js';
import type { ResolvedMetrics } from './metrics.js';
import type { ResolvedNetworkPolicy } from './netpol.js';
import type { ResolvedPgbouncer } from './pooler.js';
import type { ResolvedScaling } from './scaling.js';
import type { ResolvedTls } from './tls.js';

export const SUPPORTED_MAJORS = ['13', '14', '15', '16', '17', '18'] as const;
export type PgMajor = (typeof SUPPORTED_MAJORS)[number];

export type RetainOrDelete = 'Retain' | 'Delete';
/** Patroni's replication modes; words YAML 1.1 (kubectl) reads as strings, unlike on and off. */
export type SynchronousMode = 'async' | 'sync' | 'strict';
export type ServiceType = 'ClusterIP' | 'NodePort' | 'LoadBalancer';

export interface ResolvedStorage {
  /** Canonical quantity, e.g. `10Gi`. */
  size: string;
  /** Absent means the cluster's default StorageClass. */
  storageClass?: string;
  retentionPolicy: { whenDeleted: RetainOrDelete; whenScaled: RetainOrDelete };
}

export interface ResolvedService {
  type: ServiceType;
  annotations: Record<string, string>;
  loadBalancerSourceRanges: string[];
  externalTrafficPolicy?: 'Cluster' | 'Local';
}

export interface ResolvedScheduling {
  affinity: Plain<V1Affinity>;
  tolerations: Plain<V1Toleration>[];
  nodeSelector: Record<string, string>;
  topologySpreadConstraints: Plain<V1TopologySpreadConstraint>[];
  priorityClassName?: string;
}

/** Identity of the parent object, copied from its metadata. */
export interface ClusterIdentity {
  name: string;
  namespace: string;
  uid: string;
}

/** How the primary is updated when its pod must be replaced: after a switchover, or in place. */
export type PrimaryUpdateMethod = 'switchover' | 'restart';

/** Day-2 controls of a running cluster. */
export interface ResolvedLifecycle {
  /** The hook keeps every child as it is (status still updates). @default false */
  paused: boolean;
  /** The StatefulSet is scaled to zero; volumes, Secrets and Services stay. @default false */
  stopped: boolean;
  /** @default 'switchover' */
  primaryUpdateMethod: PrimaryUpdateMethod;
  /** A switchover the spec asks for: to `target`, or to any healthy replica when it is absent. */
  switchover?: { target?: string };
}

export interface ResolvedCluster extends ClusterIdentity {
  version: PgMajor;
  /** The Spilo image: `spec.image` or the default for `version`. */
  image: string;
  replicas: number;
  storage: ResolvedStorage;
  resources: Plain<V1ResourceRequirements>;
  /** User parameters, values as strings exactly as PostgreSQL would read them. */
  postgresqlParams: Record<string, string>;
  /** Extra pg_hba lines: after Patroni's local replication rule, before pgmeta's others (spilo/hba.ts). */
  pgHba: string[];
  synchronous: { mode: SynchronousMode; nodeCount: number };
  bootstrap: { database: string; owner: string };
  service: ResolvedService;
  tls: ResolvedTls;
  scheduling: ResolvedScheduling;
  lifecycle: ResolvedLifecycle;
  /** Continuous archiving and base backups: present only with `spec.backup`. */
  backup?: ResolvedBackup;
  /** Bootstrap from another cluster's archive: present only with `spec.restore`. */
  restore?: ResolvedRestore;
  /** PgBouncer poolers: present only when `spec.pgbouncer.enabled`, so other clusters render as before. */
  pgbouncer?: ResolvedPgbouncer;
  /** NetworkPolicies: present only when `spec.networkPolicy.enabled`. */
  networkPolicy?: ResolvedNetworkPolicy;
  /** The exporter sidecar: present only when `spec.metrics.enabled`. */
  metrics?: ResolvedMetrics;
  /** PostgreSQL's log: absent for Spilo's own CSV files, so clusters older than `spec.logging` render as before. */
  logging?: ResolvedLogging;
  /** KEDA autoscaling: present only when `spec.scaling.enabled`. */
  scaling?: ResolvedScaling;
}
