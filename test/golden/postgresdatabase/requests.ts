/**
 * Realistic Metacontroller v2 requests for the PostgresDatabase hook: whole objects as the API server
 * stores them (uid, resourceVersion, managedFields, owner references, defaulted Job fields, Job
 * status), observed children produced from the hook's own previous response, and the related
 * PostgresCluster and its superuser Secret. The golden test stores each request next to its response.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { KUBECTL_YAML } from '../../../hooks/lib/kubectl-yaml';
import type { HookContext } from '../../../hooks/lib/context';
import type { KubeObject } from '../../../hooks/lib/k8s';
import { controllerRef } from '../../support/apiserver';
import { defaultJob, jobStatus, type JobOutcome } from './stored-job';

const ROOT = join(__dirname, '..', '..', '..');
export const NAMESPACE = 'apps';
export const PARENT_UID = '6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f';
const CLUSTER_UID = '0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d';
export const CTX: HookContext = { now: '2026-03-01T12:00:00Z', operatorKey: new Uint8Array(32).fill(7) };
const T0 = '2026-03-01T11:00:00Z';

type Obj = Record<string, unknown>;

function uidOf(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function managed(manager: string, operation: string, fields: Obj, subresource?: string): Obj {
  return {
    manager,
    operation,
    apiVersion: 'v1',
    time: T0,
    fieldsType: 'FieldsV1',
    fieldsV1: fields,
    ...(subresource ? { subresource } : {}),
  };
}

/** The CompositeController object, as Metacontroller sends it (from composite-controllers/). */
export function controller(): KubeObject {
  const cc = parse(
    readFileSync(join(ROOT, 'composite-controllers', 'postgresdatabase.yaml'), 'utf8'),
  ) as KubeObject;
  return {
    ...cc,
    metadata: {
      ...cc.metadata,
      uid: uidOf('cc'),
      resourceVersion: '1021',
      generation: 1,
      creationTimestamp: T0,
    },
    status: {},
  };
}

/** The spec of examples/database.yaml, as kubectl sends it. */
export function exampleSpec(): Obj {
  const text = readFileSync(join(ROOT, 'examples', 'database.yaml'), 'utf8');
  return (parse(text, KUBECTL_YAML) as { spec: Obj }).spec;
}

export function parent(opts: {
  spec: Obj;
  generation: number;
  status?: unknown;
  deleting?: boolean;
}): KubeObject {
  return {
    apiVersion: 'pgmeta.io/v1alpha1',
    kind: 'PostgresDatabase',
    metadata: {
      name: 'shop',
      namespace: NAMESPACE,
      uid: PARENT_UID,
      generation: opts.generation,
      resourceVersion: String(2000 + opts.generation * 10),
      creationTimestamp: T0,
      finalizers: ['metacontroller.io/compositecontroller-postgresdatabase'],
      ...(opts.deleting ? { deletionTimestamp: '2026-03-01T11:59:00Z', deletionGracePeriodSeconds: 0 } : {}),
      annotations: {
        'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({ spec: opts.spec }),
      },
      managedFields: [
        managed('kubectl-client-side-apply', 'Update', { 'f:spec': {} }),
        managed('metacontroller', 'Update', { 'f:status': {} }, 'status'),
      ],
    },
    spec: opts.spec,
    ...(opts.status === undefined ? {} : { status: opts.status }),
  };
}

/** The PostgresCluster `dev` of examples/cluster.yaml, Ready or still creating. */
export function cluster(ready: boolean): KubeObject {
  const text = readFileSync(join(ROOT, 'examples', 'cluster.yaml'), 'utf8');
  const spec = (parse(text, KUBECTL_YAML) as { spec: Obj }).spec;
  const condition = ready
    ? { type: 'Ready', status: 'True', reason: 'PrimaryReady', message: 'the primary accepts connections' }
    : { type: 'Ready', status: 'False', reason: 'Creating', message: 'waiting for the primary' };
  return {
    apiVersion: 'pgmeta.io/v1alpha1',
    kind: 'PostgresCluster',
    metadata: {
      name: 'dev',
      namespace: NAMESPACE,
      uid: CLUSTER_UID,
      generation: 1,
      resourceVersion: '1500',
      creationTimestamp: T0,
      finalizers: ['metacontroller.io/compositecontroller-postgrescluster'],
      managedFields: [managed('kubectl-client-side-apply', 'Update', { 'f:spec': {} })],
    },
    spec,
    status: {
      observedGeneration: 1,
      phase: ready ? 'Running' : 'Creating',
      conditions: [{ ...condition, lastTransitionTime: T0 }],
    },
  };
}

/** The cluster's superuser Secret, a child of the cluster. */
export function superuserSecret(): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: 'dev-superuser',
      namespace: NAMESPACE,
      uid: uidOf('dev-superuser'),
      resourceVersion: '1490',
      creationTimestamp: T0,
      labels: { 'pgmeta.io/cluster': 'dev', 'controller-uid': CLUSTER_UID },
      annotations: { 'pgmeta.io/protected': 'true' },
      ownerReferences: [
        controllerRef({
          apiVersion: 'pgmeta.io/v1alpha1',
          kind: 'PostgresCluster',
          metadata: { name: 'dev', uid: CLUSTER_UID },
        }),
      ],
      managedFields: [managed('metacontroller', 'Apply', { 'f:data': {} })],
    },
    type: 'Opaque',
    data: {
      password: Buffer.from('not-the-real-one').toString('base64'),
      username: Buffer.from('postgres').toString('base64'),
    },
  };
}

/** A desired child as the API server stores it after Metacontroller applied it. */
export function stored(child: KubeObject, opts: { outcome?: JobOutcome } = {}): KubeObject {
  const uid = uidOf(`${child.kind}/${child.metadata.name}`);
  const metadata = {
    ...child.metadata,
    namespace: NAMESPACE,
    uid,
    resourceVersion: '2100',
    creationTimestamp: '2026-03-01T11:49:00Z',
    labels: { ...child.metadata.labels, 'controller-uid': PARENT_UID },
    ownerReferences: [
      controllerRef({
        apiVersion: 'pgmeta.io/v1alpha1',
        kind: 'PostgresDatabase',
        metadata: { name: 'shop', uid: PARENT_UID },
      }),
    ],
    managedFields: [managed('metacontroller', 'Apply', { 'f:metadata': {} })],
  };
  if (child.kind !== 'Job') return { ...child, metadata };
  return { ...child, metadata, spec: defaultJob(child, uid), status: jobStatus(opts.outcome ?? 'active') };
}

/** A request body: v2 keys (`namespace/name`) for children and related objects. */
export function request(opts: {
  parent: KubeObject;
  children: readonly KubeObject[];
  clusterReady: boolean | 'gone';
  finalizing?: boolean;
}): Obj {
  const byKey = (objs: readonly KubeObject[]): Obj =>
    Object.fromEntries(objs.map((o) => [`${NAMESPACE}/${o.metadata.name}`, o]));
  const related = opts.clusterReady === 'gone' ? [] : [cluster(opts.clusterReady)];
  return {
    controller: controller(),
    parent: opts.parent,
    children: {
      'ConfigMap.v1': byKey(opts.children.filter((c) => c.kind === 'ConfigMap')),
      'Secret.v1': byKey(opts.children.filter((c) => c.kind === 'Secret')),
      'Job.batch/v1': byKey(opts.children.filter((c) => c.kind === 'Job')),
    },
    related: {
      'PostgresCluster.pgmeta.io/v1alpha1': byKey(related),
      'Secret.v1': byKey(opts.clusterReady === 'gone' ? [] : [superuserSecret()]),
    },
    finalizing: opts.finalizing ?? false,
  };
}
