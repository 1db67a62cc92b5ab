/**
 * Every name, label key, selector and annotation key of a PostgresCluster's children, in one place.
 *
 * Names are functions of the parent so no builder formats one itself. The cluster name is a DNS-1035
 * label of at most 40 characters (the CRD enforces it); the longest suffix below keeps every derived
 * name within the 63 characters of a DNS label, and the StatefulSet name within 52 (its pods carry the
 * label `controller-revision-hash: <name>-<10 chars>`, which must fit a 63-character label value).
 *
 * Selectors are a small, immutable subset of the labels: a StatefulSet's selector can never change,
 * so they hold nothing that varies over a cluster's life (no version, image or spec hash).
 */
import { RECOMMENDED_LABELS } from '../lib/labels.js';
import { CLUSTER_LABEL } from './spec/labels.js';
import type { ClusterIdentity } from './spec/resolved.js';

export { CLUSTER_LABEL };

/** The Kubernetes recommended labels, used on every child. */
export const LABELS = RECOMMENDED_LABELS;

/** Values of `app.kubernetes.io/component`: what part of a cluster an object belongs to. */
export const COMPONENTS = {
  /** The StatefulSet, its pods, the Services in front of them and their PodDisruptionBudget. */
  database: 'database',
  /** Credential Secrets. */
  credentials: 'credentials',
  /** Patroni's ServiceAccount, Role and RoleBinding. */
  rbac: 'rbac',
  /** The Job that creates the application owner and database. */
  bootstrap: 'bootstrap',
  /** Day-2 operation Jobs (parameters, switchover, rollout, resize, cleanup) and their RBAC. */
  operations: 'operations',
  /** PgBouncer: its Deployments, Services, configuration and the Job that installs its lookup role. */
  pooler: 'pooler',
  /** The Jobs that read the backup catalog (backup/catalog-job.ts) and their pods. */
  backupCatalog: 'backup-catalog',
} as const;
export type Component = (typeof COMPONENTS)[keyof typeof COMPONENTS];

/**
 * The pod label Patroni keeps up to date with each member's role (`KUBERNETES_ROLE_LABEL`).
 * Patroni owns it: pgmeta never writes it, it only selects on it.
 */
export const ROLE_LABEL = 'spilo-role';

/** The label the StatefulSet controller puts on each pod: the revision it was created from. */
export const REVISION_LABEL = 'controller-revision-hash';

/**
 * Values of {@link ROLE_LABEL}. Spilo pins the leader value to `master` (Patroni 4's own default,
 * `primary`, is overridden by `KUBERNETES_LEADER_LABEL_VALUE`); followers get `replica`.
 */
export const ROLE_VALUES = { primary: 'master', replica: 'replica' } as const;

/**
 * The labels Patroni puts on the objects it creates (`KUBERNETES_LABELS`) and, together with the scope
 * label, selects its member pods by. They must never contain `controller-uid` or anything else that
 * could match Metacontroller's child selector, or Metacontroller would adopt and then delete Patroni's
 * objects (docs/architecture.md rule 4). `application: spilo` also keeps non-database pods of the cluster (the
 * bootstrap Job, a future pooler) out of Patroni's member list.
 */
export const PATRONI_LABELS: Readonly<Record<string, string>> = { application: 'spilo' };

/** Annotation keys pgmeta reads or writes. */
export const ANNOTATIONS = {
  /** `"true"` on a data-bearing child: the response builder refuses to drop it (docs/architecture.md rule 3). */
  protected: 'pgmeta.io/protected',
  /** On the StatefulSet: canonical JSON of the last valid spec, so an invalid spec changes nothing. */
  lastValidSpec: 'pgmeta.io/last-valid-spec',
  /** On each member pod, written by Patroni: JSON with role, state, xlog_location, timeline. */
  patroniStatus: 'status',
  /** On the parent, set by a user: a switchover to this member, or to any healthy replica (`any`). */
  switchoverTo: 'pgmeta.io/switchover-to',
  /** On a day-2 Job: which operation it runs (see {@link Operation}). */
  operation: 'pgmeta.io/operation',
  /** On the parent, set by a user: the token of waiting image updates to roll now (images/policy.ts). */
  approveImages: 'pgmeta.io/approve-images',
  /**
   * On the parent, set by a user (any value, e.g. a time): restart every member, one at a time. Copied
   * to the pod template, so each new value is a new StatefulSet revision that the rollout carries out.
   */
  restartedAt: 'pgmeta.io/restartedAt',
  /** On the StatefulSet's pod template, set by `kubectl rollout restart` (kept by pgmeta, day2/restart.ts). */
  kubectlRestartedAt: 'kubectl.kubernetes.io/restartedAt',
} as const;

/** The value of {@link ANNOTATIONS.protected}. */
export const PROTECTED = 'true';

/** Database users pgmeta creates besides the application owner (named in the spec). */
export const DB_USERS = {
  /** Patroni's superuser (`PGUSER_SUPERUSER`). */
  superuser: 'postgres',
  /** Patroni's replication user (`PGUSER_STANDBY`). */
  replication: 'standby',
} as const;

/** Ports of a database pod. The Service port name must equal the one Patroni writes into its Endpoints. */
export const PORTS = {
  postgresql: { name: 'postgresql', port: 5432 },
  patroni: { name: 'patroni', port: 8008 },
} as const;

/** What each credential Secret is for; also the purpose in the password derivation. */
export type CredentialPurpose = 'superuser' | 'replication' | 'app';

/** Every name derived from one cluster. */
export interface ClusterNames {
  /** Patroni's scope (`SCOPE`): the DCS object prefix. Equals the cluster name. */
  scope: string;
  statefulSet: string;
  /** Selector-less Service backed by Patroni's leader Endpoints `<scope>`: always the primary. */
  primaryService: string;
  /** Service selecting the pods labelled `spilo-role=replica`. */
  replicaService: string;
  /** Headless Service that gives member pods stable DNS names (`serviceName` of the StatefulSet). */
  headlessService: string;
  serviceAccount: string;
  role: string;
  roleBinding: string;
  /** PodDisruptionBudget of the members not labelled primary (of all of them with a single member). */
  pdb: string;
  /** PodDisruptionBudget of the member Patroni labels primary: its eviction is always refused (children/pdb.ts). */
  primaryPdb: string;
  secrets: Record<CredentialPurpose, string>;
  /** Patroni's REST API credentials (patroni/rest-api.ts): not a database login, not in `secrets`. */
  restApiSecret: string;
  /** Prefix of the bootstrap Job's name, completed by a hash of what the Job applies. */
  bootstrapJobPrefix: string;
  /** Objects Patroni itself creates in Endpoints mode (never children: pgmeta only observes them); {@link patroniObjects} gives either mode's. */
  patroni: { leader: string; config: string; sync: string; failover: string };
}

/**
 * All child names of a cluster. The headless Service avoids the suffixes Patroni uses for its own
 * objects (`-config`, `-sync`, `-failover`, `-leader`).
 */
export function clusterNames(id: Pick<ClusterIdentity, 'name'>): ClusterNames {
  const n = id.name;
  return {
    scope: n,
    statefulSet: n,
    primaryService: n,
    replicaService: `${n}-ro`,
    headlessService: `${n}-members`,
    serviceAccount: `${n}-patroni`,
    role: `${n}-patroni`,
    roleBinding: `${n}-patroni`,
    pdb: n,
    primaryPdb: `${n}-primary`,
    secrets: { superuser: `${n}-superuser`, replication: `${n}-replication`, app: `${n}-app` },
    restApiSecret: `${n}-patroni-api`,
    bootstrapJobPrefix: `${n}-bootstrap`,
    patroni: { leader: n, config: `${n}-config`, sync: `${n}-sync`, failover: `${n}-failover` },
  };
}

/** Patroni's DCS objects of one mode: their kind, API resource and names. */
export interface PatroniObjects {
  kind: 'Endpoints' | 'ConfigMap';
  resource: 'endpoints' | 'configmaps';
  leader: string;
  config: string;
  sync: string;
  failover: string;
}

/**
 * The objects Patroni v4.0.4 keeps its state in (patroni/dcs/kubernetes.py): `CoreV1ApiProxy` turns
 * every `*_kind` call into the Endpoints or the ConfigMap call, and `Kubernetes.leader_path` drops the
 * `-leader` suffix only in Endpoints mode, where the leader object shares the primary Service's name.
 */
export function patroniObjects(
  id: Pick<ClusterIdentity, 'name'>,
  dcs: 'endpoints' | 'configmaps',
): PatroniObjects {
  const p = clusterNames(id).patroni;
  if (dcs === 'endpoints') return { kind: 'Endpoints', resource: 'endpoints', ...p };
  return { kind: 'ConfigMap', resource: 'configmaps', ...p, leader: `${clusterNames(id).scope}-leader` };
}

/** Day-2 operations, each run by a Job named `<cluster>-<operation>-<hash of what it applies>`. */
export type Operation = 'params' | 'switchover' | 'rollout' | 'resize' | 'cleanup' | 'rotate';

/**
 * `<cluster>-<operation>`: the prefix of an operation's Job names and the name of its ServiceAccount,
 * Role and RoleBinding. With the 40-character cluster name, the longest Job name is 60 characters.
 */
export function operationName(id: Pick<ClusterIdentity, 'name'>, op: Operation): string {
  return `${clusterNames(id).scope}-${op}`;
}

/** Label on a backup catalog Job and its pods: which run of the series it is (1, 2, ...). */
export const CATALOG_RUN_LABEL = 'pgmeta.io/catalog-run';

/**
 * `<cluster>-catalog-<run>`: with the 40-character cluster name, runs up to 7 digits keep the
 * `job-name` label of its pods within 63 characters.
 */
export function catalogJobName(id: Pick<ClusterIdentity, 'name'>, run: number): string {
  return `${clusterNames(id).scope}-catalog-${run}`;
}

/** Name of the member pod with this ordinal. */
export function podName(id: Pick<ClusterIdentity, 'name'>, ordinal: number): string {
  return `${clusterNames(id).statefulSet}-${ordinal}`;
}

/** In-cluster DNS name of a Service of this cluster, as written into the credential Secrets. */
export function serviceHost(id: Pick<ClusterIdentity, 'namespace'>, service: string): string {
  return `${service}.${id.namespace}.svc`;
}

/** Labels of every child of a cluster. */
export function commonLabels(
  id: Pick<ClusterIdentity, 'name'>,
  component: Component,
): Record<string, string> {
  return {
    [LABELS.name]: 'postgresql',
    [LABELS.instance]: id.name,
    [LABELS.managedBy]: 'pgmeta',
    [LABELS.component]: component,
    [LABELS.partOf]: 'pgmeta',
    [CLUSTER_LABEL]: id.name,
  };
}

/** Labels of the database pods: a superset of {@link podSelector} and of {@link patroniLabels}. */
export function podLabels(id: Pick<ClusterIdentity, 'name'>): Record<string, string> {
  return { ...commonLabels(id, COMPONENTS.database), ...PATRONI_LABELS };
}

/**
 * Selector of the database pods (StatefulSet, Services, PodDisruptionBudget, scale subresource).
 * The component label keeps other pods of the cluster (bootstrap Job, a future pooler) out.
 */
export function podSelector(id: Pick<ClusterIdentity, 'name'>): Record<string, string> {
  return { [CLUSTER_LABEL]: id.name, [LABELS.component]: COMPONENTS.database };
}

/** Selector of the member pods in one Patroni role. */
export function roleSelector(
  id: Pick<ClusterIdentity, 'name'>,
  role: keyof typeof ROLE_VALUES,
): Record<string, string> {
  return { ...podSelector(id), [ROLE_LABEL]: ROLE_VALUES[role] };
}

/**
 * The labels Patroni selects its member pods and its own objects by: `KUBERNETES_LABELS` plus the
 * scope label (`KUBERNETES_SCOPE_LABEL` = {@link CLUSTER_LABEL}) with the scope as value.
 */
export function patroniLabels(id: Pick<ClusterIdentity, 'name'>): Record<string, string> {
  return { ...PATRONI_LABELS, [CLUSTER_LABEL]: clusterNames(id).scope };
}
