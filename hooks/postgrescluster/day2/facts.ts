/**
 * What the day-2 operations read from the observed state beyond `observe.ts`: each member's ordinal,
 * StatefulSet revision and parameters pending a restart, the parameters Patroni holds in the DCS,
 * the synchronous standbys, the StatefulSet's update revision, the StorageClasses, and which members
 * run on a cordoned Node (of the Nodes the customize hook relates: day2/customize.ts).
 * All of it comes from the request; nothing here is a guess about objects not observed.
 */
import type { KubeObject } from '../../lib/k8s.js';
import { listObjects } from '../../metacontroller/children.js';
import type { SyncRequest } from '../../metacontroller/types.js';
import { ANNOTATIONS, REVISION_LABEL } from '../names.js';
import { bootstrapped, patroniObject, type ObservedCluster, type ObservedMember } from '../observe.js';

export { REVISION_LABEL } from '../names.js';

/** A member as the day-2 operations see it. */
export interface MemberFacts extends ObservedMember {
  ordinal: number;
  /** The StatefulSet revision the pod was created from. */
  revision?: string;
  /** Parameters this member has not applied yet (Patroni 4's `pending_restart_reason`). */
  pendingParameters: string[];
  /** The node the pod runs on (`spec.nodeName`), once scheduled. */
  node?: string;
  /** Its node is observed cordoned (`spec.unschedulable`, what `kubectl cordon` and `drain` set). */
  cordoned: boolean;
}

export interface Day2Facts {
  /** Members not being deleted, by ordinal. */
  members: MemberFacts[];
  /** The ready primary, when there is exactly one. */
  primary?: MemberFacts;
  /** Patroni's dynamic configuration, when its `-config` Endpoints carry it. */
  dcsDocument?: Record<string, unknown>;
  /** Whether Patroni finished bootstrapping the cluster (the system identifier in `initialize`). */
  initialized: boolean;
  /** Members Patroni currently names synchronous standbys (`<scope>-sync`). */
  synchronousStandbys: string[];
  /** The StatefulSet's replicas and update revision, once its controller has seen our last change. */
  statefulSet?: { replicas: number; updateRevision?: string; current: boolean };
  storageClasses: KubeObject[];
}

function ordinalOf(name: string): number {
  const m = /-(\d+)$/.exec(name);
  return m ? Number(m[1]) : -1;
}

function parseJson(raw: string | undefined): unknown {
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function pendingParameters(pod: KubeObject | undefined): string[] {
  const status = parseJson(pod?.metadata.annotations?.[ANNOTATIONS.patroniStatus]);
  const reason = isObj(status) ? status['pending_restart_reason'] : undefined;
  return isObj(reason) ? Object.keys(reason).sort() : [];
}

/** The node a pod is bound to (`spec.nodeName`), if any. */
export function podNode(pod: KubeObject | undefined): string | undefined {
  const node = (pod?.['spec'] as { nodeName?: unknown } | undefined)?.nodeName;
  return typeof node === 'string' && node !== '' ? node : undefined;
}

/** Names of the observed Nodes that are cordoned. */
function cordonedNodes(req: SyncRequest): Set<string> {
  const nodes = listObjects(req.related, 'Node', 'v1');
  const cordoned = nodes.filter(
    (n) => (n['spec'] as { unschedulable?: unknown } | undefined)?.unschedulable === true,
  );
  return new Set(cordoned.map((n) => n.metadata.name));
}

function memberFacts(
  m: ObservedMember,
  o: { pods: readonly KubeObject[]; cordoned: Set<string> },
): MemberFacts {
  const pod = o.pods.find((p) => p.metadata.name === m.name);
  const revision = pod?.metadata.labels?.[REVISION_LABEL];
  const node = podNode(pod);
  return {
    ...m,
    ordinal: ordinalOf(m.name),
    ...(revision === undefined ? {} : { revision }),
    pendingParameters: pendingParameters(pod),
    ...(node === undefined ? {} : { node }),
    cordoned: node !== undefined && o.cordoned.has(node),
  };
}

/** Patroni keeps its dynamic configuration as JSON in the `config` annotation of `<scope>-config`. */
function dcsDocument(config: KubeObject | undefined): Record<string, unknown> | undefined {
  const parsed = parseJson(config?.metadata.annotations?.['config']);
  return isObj(parsed) ? parsed : undefined;
}

function statefulSetFacts(sts: KubeObject | undefined): Day2Facts['statefulSet'] {
  if (!sts) return undefined;
  const spec = (sts['spec'] ?? {}) as { replicas?: number };
  const status = (sts['status'] ?? {}) as { observedGeneration?: number; updateRevision?: string };
  return {
    replicas: spec.replicas ?? 1,
    ...(status.updateRevision === undefined ? {} : { updateRevision: status.updateRevision }),
    current: (status.observedGeneration ?? -1) >= (sts.metadata.generation ?? 0),
  };
}

function synchronousStandbys(req: SyncRequest): string[] {
  const sync = patroniObject(req, 'sync');
  const value = sync?.metadata.annotations?.['sync_standby'] ?? '';
  return value === '' ? [] : value.split(',').map((s) => s.trim());
}

/** The facts of one request. */
export function day2Facts(req: SyncRequest, observed: ObservedCluster): Day2Facts {
  const pods = listObjects(req.related, 'Pod', 'v1');
  const cordoned = cordonedNodes(req);
  const members = observed.members
    .filter((m) => !m.terminating)
    .map((m) => memberFacts(m, { pods, cordoned }))
    .sort((a, b) => a.ordinal - b.ordinal);
  const primaries = members.filter((m) => m.role === 'primary' && m.ready);
  const config = observed.configEndpoints;
  const dcs = dcsDocument(config);
  const sts = statefulSetFacts(observed.statefulSet);
  return {
    members,
    ...(primaries.length === 1 && primaries[0] ? { primary: primaries[0] } : {}),
    ...(dcs === undefined ? {} : { dcsDocument: dcs }),
    initialized: bootstrapped(config),
    synchronousStandbys: synchronousStandbys(req),
    ...(sts === undefined ? {} : { statefulSet: sts }),
    storageClasses: listObjects(req.related, 'StorageClass', 'storage.k8s.io/v1'),
  };
}
