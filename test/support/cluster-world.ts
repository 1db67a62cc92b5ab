/**
 * Whole observed worlds of one PostgresCluster for goldens and properties: the children the hook
 * wanted, as the API server stores them, plus the Pods, PVCs and Endpoints that Patroni and the
 * StatefulSet controller produce. Built by running the real hook once, so fixtures never drift from
 * what the hook renders.
 */
import type { KubeObject } from '../../hooks/lib/k8s';
import { runHook } from '../../hooks/metacontroller/dispatch';
import { postgresClusterController } from '../../hooks/postgrescluster/controller';
import { dcsDocument } from '../../hooks/postgrescluster/day2/params';
import { CHILD_TYPES } from '../../hooks/postgrescluster/render';
import { patroniObjects } from '../../hooks/postgrescluster/names';
import { checkSpec } from '../../hooks/postgrescluster/spec/index';
import type { ResolvedCluster } from '../../hooks/postgrescluster/spec/resolved';
import { sortedJson } from '../../hooks/postgrescluster/spilo/configuration';
import {
  T0,
  applied,
  compositeRequest,
  controllerRef,
  fakeUid,
  statefulSetStatus,
  storedParent,
} from './apiserver';

export const CTX = { now: '2026-11-21T10:00:00Z', operatorKey: new Uint8Array(32).fill(42) };
export const CHILD_KEYS = CHILD_TYPES.map((t) => `${t.kind}.${t.apiVersion}`);
export const RELATED_KEYS = ['Pod.v1', 'PersistentVolumeClaim.v1', 'Endpoints.v1', 'ConfigMap.v1'];

export interface MemberSpec {
  ordinal: number;
  role: 'master' | 'replica';
  ready?: boolean;
  state?: string;
  timeline?: number;
  xlog?: number;
  terminating?: boolean;
}

export interface World {
  parent: KubeObject;
  children: KubeObject[];
  related: KubeObject[];
  finalizing?: boolean;
}

/** A Metacontroller v2 request for a world. */
export function request(world: World): Record<string, unknown> {
  return compositeRequest({
    controller: { name: 'postgrescluster', uid: fakeUid('cc') },
    parentResource: { apiVersion: 'pgmeta.io/v1alpha1', resource: 'postgresclusters' },
    parent: world.parent,
    children: { types: CHILD_KEYS, objects: world.children },
    related: { types: RELATED_KEYS, objects: world.related },
    ...(world.finalizing === undefined ? {} : { finalizing: world.finalizing }),
  });
}

/** The hook's answer to a request body, as Metacontroller calls it: finalize while finalizing. */
export function clusterHook(body: unknown): unknown {
  const hook = (body as { finalizing?: boolean }).finalizing === true ? 'finalize' : 'sync';
  return runHook({ def: postgresClusterController, hook, body, ctx: CTX });
}

export function sync(world: World): {
  status: Record<string, unknown>;
  children: KubeObject[];
  finalized?: boolean;
} {
  return clusterHook(request(world)) as never;
}

/** The children the hook wants for this parent, as the API server would store them once applied. */
export function appliedChildren(
  parent: KubeObject,
  o: { ready?: number; related?: KubeObject[] } = {},
): KubeObject[] {
  const desired = sync({ parent, children: [], related: o.related ?? [] }).children;
  return desired.map((c) => {
    const obj = applied(c, parent);
    if (obj.kind !== 'StatefulSet' || o.ready === undefined) return obj;
    return { ...obj, status: statefulSetStatus(obj, { ready: o.ready }) };
  });
}

/** What `spec` resolves to for a cluster `orders` in `shop`; throws with the errors of an invalid spec. */
export function resolvedCluster(spec: Record<string, unknown>): ResolvedCluster {
  const res = checkSpec({
    apiVersion: 'pgmeta.io/v1alpha1',
    kind: 'PostgresCluster',
    metadata: { name: 'orders', namespace: 'shop', uid: 'u' },
    spec,
  });
  if (!res.ok) throw new Error(JSON.stringify(res.errors));
  return res.resolved;
}

export function parentFrom(
  spec: Record<string, unknown>,
  o: { name?: string; generation?: number; status?: unknown } = {},
): KubeObject {
  return storedParent(
    {
      apiVersion: 'pgmeta.io/v1alpha1',
      kind: 'PostgresCluster',
      metadata: { name: o.name ?? 'orders', namespace: 'shop' },
      spec,
    },
    {
      ...(o.generation === undefined ? {} : { generation: o.generation }),
      ...(o.status === undefined ? {} : { status: o.status }),
    },
  );
}

/** A pod spec for worlds without a StatefulSet to copy from (an invalid spec renders none). */
const BARE_POD_SPEC = { containers: [{ name: 'postgres', image: 'spilo' }] };

/** The pod template's spec of the StatefulSet among `children`, if there is one. */
function templateSpec(children: readonly KubeObject[]): Record<string, unknown> | undefined {
  const sts = children.find((c) => c.kind === 'StatefulSet');
  return (sts?.['spec'] as { template?: { spec?: Record<string, unknown> } } | undefined)?.template?.spec;
}

/**
 * A member pod as the StatefulSet controller creates it (with the spec of the template it was
 * created from: what the member runs, e.g. the archive it writes to) and Patroni annotates it.
 */
export function memberPod(
  parent: KubeObject,
  m: MemberSpec,
  podSpec: Record<string, unknown> = BARE_POD_SPEC,
): KubeObject {
  const name = `${parent.metadata.name}-${m.ordinal}`;
  const ready = m.ready ?? true;
  const status = {
    conn_url: `postgres://10.244.1.${10 + m.ordinal}:5432/postgres`,
    api_url: `http://10.244.1.${10 + m.ordinal}:8008/patroni`,
    state: m.state ?? 'running',
    role: m.role,
    version: '4.0.4',
    xlog_location: m.xlog ?? 67_108_864,
    timeline: m.timeline ?? 1,
  };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: parent.metadata.namespace ?? '',
      uid: fakeUid(`pod/${name}`),
      resourceVersion: String(3000 + m.ordinal),
      creationTimestamp: T0,
      ...(m.terminating
        ? { deletionTimestamp: '2026-11-21T09:59:00Z', deletionGracePeriodSeconds: 300 }
        : {}),
      labels: {
        'app.kubernetes.io/component': 'database',
        'app.kubernetes.io/instance': parent.metadata.name,
        'app.kubernetes.io/managed-by': 'pgmeta',
        'app.kubernetes.io/name': 'postgresql',
        'app.kubernetes.io/part-of': 'pgmeta',
        application: 'spilo',
        'apps.kubernetes.io/pod-index': String(m.ordinal),
        'controller-revision-hash': `${parent.metadata.name}-5d8f7c9b6d`,
        'pgmeta.io/cluster': parent.metadata.name,
        'spilo-role': m.role,
        'statefulset.kubernetes.io/pod-name': name,
      },
      annotations: { status: JSON.stringify(status) },
      ownerReferences: [
        controllerRef({
          apiVersion: 'apps/v1',
          kind: 'StatefulSet',
          metadata: { name: parent.metadata.name, uid: fakeUid(`StatefulSet/shop/${parent.metadata.name}`) },
        }),
      ],
    },
    spec: { ...podSpec, nodeName: `node-${m.ordinal}` },
    status: {
      phase: 'Running',
      podIP: `10.244.1.${10 + m.ordinal}`,
      conditions: [
        { type: 'Initialized', status: 'True', lastTransitionTime: T0 },
        { type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: T0 },
        { type: 'ContainersReady', status: ready ? 'True' : 'False', lastTransitionTime: T0 },
        { type: 'PodScheduled', status: 'True', lastTransitionTime: T0 },
      ],
    },
  };
}

export function memberPvc(parent: KubeObject, ordinal: number): KubeObject {
  const name = `pgdata-${parent.metadata.name}-${ordinal}`;
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name,
      namespace: parent.metadata.namespace ?? '',
      uid: fakeUid(`pvc/${name}`),
      creationTimestamp: T0,
      labels: { 'app.kubernetes.io/component': 'database', 'pgmeta.io/cluster': parent.metadata.name },
    },
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: '10Gi' } },
      volumeMode: 'Filesystem',
      storageClassName: 'standard',
    },
    status: { phase: 'Bound', capacity: { storage: '10Gi' } },
  };
}

/**
 * Patroni's dynamic configuration as it stores it in `<scope>-config`: what the cluster rendered into
 * `bootstrap.dcs` (Spilo's own template values left out). A spec that does not validate has none.
 */
function patroniConfig(source: KubeObject): string {
  const check = checkSpec(source);
  return check.ok ? sortedJson(dcsDocument(check.resolved)) : '{"ttl":30}';
}

/** The DCS mode a parent's cluster runs with (its spec, or the default for a new cluster). */
function dcsOf(parent: KubeObject): 'endpoints' | 'configmaps' {
  const check = checkSpec(parent);
  return check.ok ? check.resolved.patroni.dcs : 'endpoints';
}

/**
 * Patroni's leader lock and config objects, Endpoints or ConfigMaps as the cluster's
 * `spec.patroni.dcs` says (hooks/postgrescluster/names.ts `patroniObjects`); the configuration is the
 * one `dcsFrom` (the parent the cluster was bootstrapped or last configured from, by default
 * `parent`) renders.
 */
export function patroniEndpoints(
  parent: KubeObject,
  leader: string | undefined,
  dcsFrom: KubeObject = parent,
): KubeObject[] {
  const ns = parent.metadata.namespace ?? '';
  const p = patroniObjects(parent.metadata, dcsOf(dcsFrom));
  const labels = { application: 'spilo', 'pgmeta.io/cluster': parent.metadata.name };
  const leaderAnn: Record<string, string> = leader
    ? { leader, acquireTime: T0, renewTime: '2026-11-21T09:59:55Z', transitions: '0', ttl: '30' }
    : {};
  return [
    {
      apiVersion: 'v1',
      kind: p.kind,
      metadata: { name: p.leader, namespace: ns, labels, annotations: leaderAnn },
    },
    {
      apiVersion: 'v1',
      kind: p.kind,
      metadata: {
        name: p.config,
        namespace: ns,
        labels,
        annotations: { initialize: '7437218811431043104', config: patroniConfig(dcsFrom) },
      },
    },
  ];
}

/**
 * Pods, PVCs and Endpoints of a cluster whose members are as given. The pods run the template of the
 * StatefulSet in `podsFrom` (the world's children) when given, else the one `dcsFrom` (default
 * `parent`) renders without any related object (so without a backup whose Secret it would need).
 */
export function relatedFor(
  parent: KubeObject,
  members: readonly MemberSpec[],
  extraPvcs: readonly number[] = [],
  o: { dcsFrom?: KubeObject; podsFrom?: readonly KubeObject[] } = {},
): KubeObject[] {
  const leader = members.find((m) => m.role === 'master' && !m.terminating);
  const ordinals = [...new Set([...members.map((m) => m.ordinal), ...extraPvcs])];
  const children = o.podsFrom ?? sync({ parent: o.dcsFrom ?? parent, children: [], related: [] }).children;
  const podSpec = templateSpec(children);
  return [
    ...members.map((m) => memberPod(parent, m, podSpec)),
    ...ordinals.map((o) => memberPvc(parent, o)),
    ...patroniEndpoints(parent, leader ? `${parent.metadata.name}-${leader.ordinal}` : undefined, o.dcsFrom),
  ];
}
