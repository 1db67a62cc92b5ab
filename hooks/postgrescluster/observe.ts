/**
 * A typed view of what Metacontroller observed for one cluster: our children, and the Pods, PVCs and
 * Patroni Endpoints that arrive read-only as related objects (Pods and PVCs are never children,
 * docs/architecture.md rule 4). Everything status says comes from here.
 */
import type { KubeObject } from '../lib/k8s.js';
import { PER_CLUSTER_MEMO_CAPACITY, createMemo } from '../lib/memo.js';
import { getObject, listObjects, objectsByName } from '../metacontroller/children.js';
import type { SyncRequest } from '../metacontroller/types.js';
import {
  ANNOTATIONS,
  COMPONENTS,
  LABELS,
  REVISION_LABEL,
  ROLE_LABEL,
  ROLE_VALUES,
  clusterNames,
  patroniObjects,
} from './names.js';
import { podArchivePrefix } from './backup/guard.js';
import { tlsSecretName } from './tls/index.js';
import { orphanedSecrets, orphanedStatefulSet } from './orphans.js';

export type MemberRole = 'primary' | 'replica' | 'standby-leader' | 'unknown';

/** One database pod as Patroni and the kubelet describe it. */
export interface ObservedMember {
  name: string;
  role: MemberRole;
  /** Patroni's state (`running`, `starting`, `creating replica`, ...) or the pod phase before Patroni reports. */
  state: string;
  ready: boolean;
  timeline?: number;
  /** WAL position (bytes) Patroni last reported for this member. */
  walPosition?: number;
  /** A replica's `replication_state` as Patroni reports it: `streaming` or `in archive recovery`. */
  replicationState?: string;
  pendingRestart: boolean;
  terminating: boolean;
  /**
   * Still labelled primary while the lock names another member: Patroni relabels a member that lost
   * the lock on its next loop, so a label that stays means nobody can reach the pod (a lost node).
   */
  staleLeader?: boolean;
  /** The WAL-G archive prefix the pod was started with, when it archives. */
  archivePrefix?: string;
  /** The StatefulSet revision the pod was created from (its `controller-revision-hash` label). */
  revision?: string;
}

export interface ObservedCluster {
  statefulSet?: KubeObject;
  /** The StatefulSet of a cluster of this name that no controller owns (orphans.ts). */
  orphanStatefulSet?: KubeObject;
  secrets: Record<string, KubeObject>;
  jobs: KubeObject[];
  /** The cert-manager Secret `<name>-tls` (related, read-only), when spec.tls.issuerRef names an issuer. */
  tlsSecret?: KubeObject;
  /** Observed Deployments (the poolers), by name; absent reads as none. */
  deployments?: Record<string, KubeObject>;
  members: ObservedMember[];
  /** Pods of the backup catalog Jobs (related, read-only): never members. */
  catalogPods?: KubeObject[];
  pvcs: KubeObject[];
  /** User Secrets named by spec.backup / spec.restore (related, read-only), by name. */
  userSecrets?: Record<string, KubeObject>;
  /** PostgresBackups of the namespace (related, read-only; only for clusters with spec.backup). */
  postgresBackups?: KubeObject[];
  /**
   * Patroni's leader object: the Endpoints `<scope>`, or in ConfigMaps mode the ConfigMap
   * `<scope>-leader` (see {@link patroniObject}). Its `leader` annotation names the primary.
   */
  leaderEndpoints?: KubeObject;
  /**
   * Patroni's `<scope>-config` Endpoints or ConfigMap: `initialize` says how far bootstrap went (see
   * {@link bootstrapped}).
   */
  configEndpoints?: KubeObject;
  /** Number of children of every type Metacontroller observed. */
  childCount: number;
}

export { bootstrapped } from './patroni/bootstrap.js';

/** The related pods of the backup catalog Jobs arrive with the members; their component tells them apart. */
const isCatalogPod = (pod: KubeObject): boolean =>
  pod.metadata.labels?.[LABELS.component] === COMPONENTS.backupCatalog;

export function observe(req: SyncRequest): ObservedCluster {
  const names = clusterNames(req.parent.metadata);
  const namespace = req.parent.metadata.namespace;
  const id = (name: string) => ({ name, ...(namespace === undefined ? {} : { namespace }) });
  const statefulSet = getObject(
    req.children,
    { kind: 'StatefulSet', apiVersion: 'apps/v1' },
    id(names.statefulSet),
  );
  const orphan = orphanedStatefulSet(req);
  const leader = patroniObject(req, 'leader');
  const config = patroniObject(req, 'config');
  const tlsSecret = getObject(
    req.related,
    { kind: 'Secret', apiVersion: 'v1' },
    id(tlsSecretName(req.parent.metadata)),
  );
  const pods = listObjects(req.related, 'Pod', 'v1');
  return {
    ...(statefulSet ? { statefulSet } : {}),
    ...(orphan && !statefulSet ? { orphanStatefulSet: orphan } : {}),
    ...(leader ? { leaderEndpoints: leader } : {}),
    ...(config ? { configEndpoints: config } : {}),
    ...(tlsSecret ? { tlsSecret } : {}),
    // Passwords come from the observed Secrets, or from the orphans of a cluster of the same name.
    secrets: { ...orphanedSecrets(req), ...objectsByName(req.children, 'Secret', 'v1') },
    jobs: listObjects(req.children, 'Job', 'batch/v1'),
    deployments: objectsByName(req.children, 'Deployment', 'apps/v1'),
    members: followLock(pods.filter((p) => !isCatalogPod(p)).map(toMember), leader),
    catalogPods: pods.filter(isCatalogPod),
    pvcs: listObjects(req.related, 'PersistentVolumeClaim', 'v1'),
    userSecrets: objectsByName(req.related, 'Secret', 'v1'),
    postgresBackups: listObjects(req.related, 'PostgresBackup', 'pgmeta.io/v1alpha1'),
    childCount: Object.values(req.children).reduce((n, inner) => n + Object.keys(inner).length, 0),
  };
}

/**
 * One of Patroni's DCS objects, of whichever kind the cluster's Patroni writes. The customize hook
 * asks for both kinds (customize.ts), since it cannot see which one the cluster was created with.
 * A ConfigMap of Patroni's name exists only in ConfigMaps mode; in that mode an Endpoints object
 * `<scope>` exists too (the endpoints controller's, for the primary Service's selector), without any
 * of Patroni's annotations, so the ConfigMap wins.
 */
export function patroniObject(
  req: Pick<SyncRequest, 'related' | 'parent'>,
  key: 'leader' | 'config' | 'sync' | 'failover',
): KubeObject | undefined {
  const namespace = req.parent.metadata.namespace;
  const id = (name: string) => ({ name, ...(namespace === undefined ? {} : { namespace }) });
  const configMaps = patroniObjects(req.parent.metadata, 'configmaps');
  const endpoints = patroniObjects(req.parent.metadata, 'endpoints');
  return (
    getObject(req.related, { kind: 'ConfigMap', apiVersion: 'v1' }, id(configMaps[key])) ??
    getObject(req.related, { kind: 'Endpoints', apiVersion: 'v1' }, id(endpoints[key]))
  );
}

/**
 * The leader lock is the truth about who is primary: a member that lost its node keeps its stale
 * `master` label (nobody can relabel an unreachable pod) while Patroni promotes another. When the lock
 * names a holder, only that member is primary; another labelled one is reported as unknown.
 */
function followLock(members: ObservedMember[], lock: KubeObject | undefined): ObservedMember[] {
  const holder = lock?.metadata.annotations?.['leader'];
  // Without a holder, a terminating pod's label is stale too: Patroni 4.0.4 ha.py `Ha.shutdown`
  // releases the lock and then `touch_member` drops the label, which the pod may not show yet.
  if (holder === undefined || holder === '')
    return members.map((m) => (m.terminating && m.role === 'primary' ? { ...m, role: 'unknown' } : m));
  return members.map((m) => {
    if (m.name === holder) return m.role === 'standby-leader' ? m : { ...m, role: 'primary' };
    return m.role === 'primary' ? { ...m, role: 'unknown', staleLeader: true } : m;
  });
}

interface PatroniStatus {
  role?: unknown;
  state?: unknown;
  timeline?: unknown;
  xlog_location?: unknown;
  pending_restart?: unknown;
  replication_state?: unknown;
}

/** Patroni writes its view of each member into the pod's `status` annotation as JSON. */
function patroniStatus(pod: KubeObject): PatroniStatus {
  const raw = pod.metadata.annotations?.[ANNOTATIONS.patroniStatus];
  if (raw === undefined) return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch {
    return {}; // a half-written annotation says nothing; the next event brings a whole one
  }
}

function toMember(pod: KubeObject): ObservedMember {
  const st = patroniStatus(pod);
  const timeline = asNumber(st.timeline);
  const wal = asNumber(st.xlog_location);
  const archivePrefix = podArchivePrefix(pod);
  const revision = pod.metadata.labels?.[REVISION_LABEL];
  return {
    name: pod.metadata.name,
    role: roleOf(pod, st),
    state: typeof st.state === 'string' ? st.state : podPhase(pod),
    ready: podReady(pod),
    ...(timeline === undefined ? {} : { timeline }),
    ...(wal === undefined ? {} : { walPosition: wal }),
    ...(typeof st.replication_state === 'string' ? { replicationState: st.replication_state } : {}),
    pendingRestart: st.pending_restart === true,
    terminating: typeof pod.metadata.deletionTimestamp === 'string',
    ...(archivePrefix === undefined ? {} : { archivePrefix }),
    ...(revision === undefined ? {} : { revision }),
  };
}

/**
 * The label Patroni keeps current wins; the annotation covers the moment before it is set. Patroni
 * writes both in one patch and labels the lock holder whatever PostgreSQL's state (Patroni 4.0.4
 * patroni/dcs/kubernetes.py `Kubernetes.touch_member`), so an unlabelled member whose status says
 * `primary` is not the primary: that is the role its data directory had when it starts again
 * (patroni/postgresql/__init__.py `Postgresql.get_postgres_role_from_data_directory`).
 */
function roleValue(pod: KubeObject, st: PatroniStatus): string | undefined {
  const label = pod.metadata.labels?.[ROLE_LABEL];
  if (label !== undefined) return label;
  return typeof st.role === 'string' && st.role !== 'primary' && st.role !== 'master' ? st.role : undefined;
}

function roleOf(pod: KubeObject, st: PatroniStatus): MemberRole {
  const value = roleValue(pod, st);
  if (value === ROLE_VALUES.primary || value === 'primary') return 'primary';
  if (value === ROLE_VALUES.replica || value === 'sync_standby') return 'replica';
  if (value === 'standby_leader' || value === 'standby-leader') return 'standby-leader';
  return 'unknown';
}

function podReady(pod: KubeObject): boolean {
  const conditions = (pod['status'] as { conditions?: { type?: string; status?: string }[] } | undefined)
    ?.conditions;
  return conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

function podPhase(pod: KubeObject): string {
  const phase = (pod['status'] as { phase?: unknown } | undefined)?.phase;
  return typeof phase === 'string' ? phase.toLowerCase() : 'unknown';
}

function asNumber(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return undefined;
}

/** Parsed annotations by their text; read several times per sync and unchanged between syncs. */
const specAnnotationMemo = createMemo<{ value: unknown }>(PER_CLUSTER_MEMO_CAPACITY);

/**
 * The spec the current children were rendered from, as stored on the StatefulSet, or on the orphaned
 * one a new cluster of the same name takes over (frozen: it is shared with later syncs of the same
 * cluster).
 */
export function lastValidSpec(observed: ObservedCluster): unknown {
  const sts = observed.statefulSet ?? observed.orphanStatefulSet;
  const raw = sts?.metadata.annotations?.[ANNOTATIONS.lastValidSpec];
  if (raw === undefined) return undefined;
  return specAnnotationMemo.get(raw, () => {
    try {
      return { value: JSON.parse(raw) as unknown };
    } catch {
      return { value: undefined };
    }
  }).value;
}
