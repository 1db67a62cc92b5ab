/**
 * `resolveSpec`: a valid spec (CRD defaults applied) → the `ResolvedCluster` builders render from.
 * Every default pgmeta adds lives here, once (STYLE rule 3): the Spilo image per major, the
 * default anti-affinity, canonical quantities, the memory bound (resources.ts), strings for numeric
 * settings.
 */
import type { V1Affinity, V1LabelSelector, V1TopologySpreadConstraint } from '@kubernetes/client-node';
import type { PostgresClusterSpec } from '../../generated/postgrescluster.types.js';
import type { Plain } from '../../lib/k8s.js';
import { canonicalQuantity } from '../../lib/quantity.js';
import { resolveBackupFields } from '../backup/resolve.js';
import { resolveStandby } from '../standby/resolve.js';
import { podSelector } from '../names.js';
import { resolveLifecycle } from '../day2/lifecycle.js';
import { resolveCredentialRotation } from '../rotation/generations.js';
import { CLUSTER_LABEL } from './labels.js';
import { resolveLogging } from './logging.js';
import { resolveMetrics } from './metrics.js';
import { resolveNetworkPolicy } from './netpol.js';
import { resolvePgbouncer } from './pooler.js';
import { resolveResources } from './resources.js';
import { resolveScaling } from './scaling.js';
import { resolveTls } from './tls.js';
import { DEFAULT_IMAGES as DEFAULT_IMAGE_TABLE } from '../images/set.js';
import { defaultDcs } from './dcs.js';
import type { ClusterIdentity, PgMajor, ResolvedCluster, ResolvedScheduling } from './resolved.js';

/** The pod label that default (anti-)affinity and spread constraints select a cluster's members by. */
export const POD_SELECTOR_LABEL = CLUSTER_LABEL;

/** The Spilo image for each major, from pgmeta's one image table (images/set.ts). */
export const DEFAULT_IMAGES: Readonly<Record<PgMajor, string>> = Object.fromEntries(
  (['13', '14', '15', '16', '17', '18'] as const).map((m) => [m, DEFAULT_IMAGE_TABLE[`spilo-${m}`]]),
) as Record<PgMajor, string>;

/** Node labels the default anti-affinity spreads over, with their weights: hosts first, then zones. */
export const DEFAULT_SPREAD_KEYS = [
  { topologyKey: 'kubernetes.io/hostname', weight: 100 },
  { topologyKey: 'topology.kubernetes.io/zone', weight: 50 },
] as const;

/** The member pods only: the bootstrap Job's or a pooler's pods must not push members apart. */
function clusterSelector(name: string): Plain<V1LabelSelector> {
  return { matchLabels: podSelector({ name }) };
}

/**
 * Preferred (not required) anti-affinity: one member per node and per zone when the cluster has
 * room, so losing a node or a zone costs at most one member; a small cluster still schedules.
 */
export function defaultPodAntiAffinity(name: string): NonNullable<Plain<V1Affinity>['podAntiAffinity']> {
  return {
    preferredDuringSchedulingIgnoredDuringExecution: DEFAULT_SPREAD_KEYS.map(({ topologyKey, weight }) => ({
      weight,
      podAffinityTerm: { labelSelector: clusterSelector(name), topologyKey },
    })),
  };
}

function resolveScheduling(name: string, spec: PostgresClusterSpec): ResolvedScheduling {
  const affinity = spec.affinity as Plain<V1Affinity> | undefined;
  const spread = (spec.topologySpreadConstraints ?? []) as Plain<V1TopologySpreadConstraint>[];
  return {
    affinity: { ...affinity, podAntiAffinity: affinity?.podAntiAffinity ?? defaultPodAntiAffinity(name) },
    tolerations: spec.tolerations ?? [],
    nodeSelector: spec.nodeSelector ?? {},
    // A spread constraint without a selector would count no pods at all; this cluster's are meant.
    topologySpreadConstraints: spread.map((c) => ({
      ...c,
      labelSelector: c.labelSelector ?? clusterSelector(name),
    })),
    ...(spec.priorityClassName === undefined ? {} : { priorityClassName: spec.priorityClassName }),
  };
}

function resolveService(spec: PostgresClusterSpec): ResolvedCluster['service'] {
  const service = spec.service ?? {};
  return {
    type: service.type ?? 'ClusterIP',
    annotations: service.annotations ?? {},
    loadBalancerSourceRanges: service.loadBalancerSourceRanges ?? [],
    ...(service.externalTrafficPolicy === undefined
      ? {}
      : { externalTrafficPolicy: service.externalTrafficPolicy }),
  };
}

function resolveStorage(spec: PostgresClusterSpec): ResolvedCluster['storage'] {
  const { size, storageClass, retentionPolicy } = spec.storage;
  return {
    size: canonicalQuantity(size) ?? size,
    ...(storageClass === undefined ? {} : { storageClass }),
    retentionPolicy: {
      whenDeleted: retentionPolicy?.whenDeleted ?? 'Retain',
      whenScaled: retentionPolicy?.whenScaled ?? 'Retain',
    },
  };
}

function resolveMaintenance(spec: PostgresClusterSpec): ResolvedCluster['maintenance'] {
  const m = spec.maintenance;
  const window = m?.window;
  return {
    imageUpdates: m?.imageUpdates ?? 'Manual',
    ...(window
      ? {
          window: {
            days: window.days ?? ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'],
            start: window.start,
            durationMinutes: window.durationMinutes ?? 120,
          },
        }
      : {}),
  };
}

function resolveSynchronous(spec: PostgresClusterSpec): ResolvedCluster['synchronous'] {
  return { mode: spec.synchronous?.mode ?? 'async', nodeCount: spec.synchronous?.nodeCount ?? 1 };
}

function resolveBootstrap(spec: PostgresClusterSpec): ResolvedCluster['bootstrap'] {
  return { database: spec.bootstrap?.database ?? 'app', owner: spec.bootstrap?.owner ?? 'app' };
}

/**
 * The pod profile and Patroni's DCS. checkSpec has filled in the DCS the cluster keeps (spec/dcs.ts
 * `fillDcs`); the fallback is the default of a new cluster.
 */
function resolvePlatform(spec: PostgresClusterSpec): Pick<ResolvedCluster, 'platform' | 'patroni'> {
  return {
    platform: spec.platform ?? 'kubernetes',
    patroni: { dcs: spec.patroni?.dcs ?? defaultDcs(spec.platform) },
  };
}

/** The images and their update policy; the install's images replace these in the sync (images/policy.ts). */
function resolveImageFields(
  spec: PostgresClusterSpec,
): Pick<ResolvedCluster, 'image' | 'images' | 'imageFromSpec' | 'maintenance'> {
  return {
    image: spec.image ?? DEFAULT_IMAGES[spec.version],
    images: {
      pgbouncer: DEFAULT_IMAGE_TABLE.pgbouncer,
      exporter: DEFAULT_IMAGE_TABLE.exporter,
      pullSecrets: [],
    },
    imageFromSpec: spec.image !== undefined,
    maintenance: resolveMaintenance(spec),
  };
}

/**
 * The cluster after defaults. `spec` must be valid (checkSpec calls this only then); the fallbacks
 * below repeat the CRD defaults only so that a spec whose defaults were not applied resolves alike.
 */
export function resolveSpec(identity: ClusterIdentity, spec: PostgresClusterSpec): ResolvedCluster {
  const pgbouncer = resolvePgbouncer(spec);
  const networkPolicy = resolveNetworkPolicy(spec);
  const metrics = resolveMetrics(spec);
  const scaling = resolveScaling(spec);
  const logging = resolveLogging(spec);
  return {
    ...identity,
    version: spec.version,
    ...resolvePlatform(spec),
    ...resolveImageFields(spec),
    replicas: spec.replicas ?? 1,
    storage: resolveStorage(spec),
    resources: resolveResources(spec),
    // PostgreSQL reads every value as text; integers were allowed unquoted for convenience.
    postgresqlParams: Object.fromEntries(
      Object.entries(spec.postgresqlParams ?? {}).map(([k, v]) => [k, String(v)]),
    ),
    pgHba: spec.pgHba ?? [],
    synchronous: resolveSynchronous(spec),
    bootstrap: resolveBootstrap(spec),
    service: resolveService(spec),
    tls: resolveTls(spec),
    scheduling: resolveScheduling(identity.name, spec),
    lifecycle: resolveLifecycle(spec),
    credentialRotation: resolveCredentialRotation(spec),
    ...resolveBackupFields(identity, spec),
    ...(spec.standby ? { standby: resolveStandby(identity, spec.standby, spec.version) } : {}),
    ...(pgbouncer ? { pgbouncer } : {}),
    ...(networkPolicy ? { networkPolicy } : {}),
    ...(metrics ? { metrics } : {}),
    ...(scaling ? { scaling } : {}),
    ...(logging ? { logging } : {}),
  };
}
