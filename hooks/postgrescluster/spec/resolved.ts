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
import type { ResolvedStandby } from '../standby/types.js';
import type { ResolvedLogging } from './logging.js';
import type { ResolvedMetrics } from './metrics.js';
import type { ResolvedNetworkPolicy } from './netpol.js';
import type { ResolvedPgbouncer } from './pooler.js';
import type { ResolvedScaling } from './scaling.js';
import type { ResolvedTls } from './tls.js';
import type { PatroniDcs, Platform } from './dcs.js';

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

/** The credentials `spec.credentialRotation` rotates (rotation/generations.ts). */
export type RotatedPurpose = 'app' | 'superuser' | 'replication' | 'pooler' | 'monitoring';

/** A rotation generation per credential. */
export type CredentialGenerations = Readonly<Record<RotatedPurpose, number>>;

/** How the primary is updated when its pod must be replaced: after a switchover, or in place. */
export type PrimaryUpdateMethod = 'switchover' | 'restart';

export type ImageUpdatePolicy = 'Manual' | 'Automatic' | 'Window';
export type Weekday = 'Mon' | 'Tue' | 'Wed' | 'Thu' | 'Fri' | 'Sat' | 'Sun';

export interface ResolvedMaintenance {
  /** @default 'Manual' */
  imageUpdates: ImageUpdatePolicy;
  /** UTC; required with `Window`. */
  window?: { days: Weekday[]; start: string; durationMinutes: number };
}

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
  /** The pod security profile (children/security.ts). @default 'kubernetes' */
  platform: Platform;
  /** Patroni's DCS objects: Endpoints or ConfigMaps (spec/dcs.ts says how the default is chosen). */
  patroni: { dcs: PatroniDcs };
  /** The Spilo image: `spec.image`, or the install's for `version` as the update policy allows (images/policy.ts). */
  image: string;
  /** Set when `spec.image` names the Spilo image: the user's choice, never held back. */
  imageFromSpec: boolean;
  /** The other images and the pull Secrets of every rendered pod (images/set.ts). */
  images: { pgbouncer: string; exporter: string; pullSecrets: string[] };
  /** When a change of the install's default images may restart the members (spec.maintenance). */
  maintenance: ResolvedMaintenance;
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
  /** `spec.credentialRotation`: each rotatable credential's generation, 0 when never rotated. */
  credentialRotation: CredentialGenerations;
  /** Continuous archiving and base backups: present only with `spec.backup`. */
  backup?: ResolvedBackup;
  /** Bootstrap from another cluster's archive: present only with `spec.restore`. */
  restore?: ResolvedRestore;
  /** A standby of another cluster (disaster recovery): present only with `spec.standby`. */
  standby?: ResolvedStandby;
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
