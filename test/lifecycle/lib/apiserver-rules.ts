/**
 * What the real API server adds to and refuses in the objects this project writes: the defaults
 * that make a naive "compare desired with stored" see a difference on every sync, and the
 * validation that makes an update fail (immutable StatefulSet fields, Job templates, PVC shrink or
 * growth on a class that cannot expand, label and name syntax).
 */
import { createHash } from 'node:crypto';
import type { KubeObject } from '../../../hooks/lib/k8s';
import { deepEqual, isObject, type JsonObject } from './json';
import type { ApiStore, KindRules } from './store';

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const DNS_1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const ANNOTATIONS_MAX_BYTES = 256 * 1024;
/** StatefulSet spec fields an update may change (apps/v1 validation). */
const STS_MUTABLE = [
  'replicas',
  'ordinals',
  'template',
  'updateStrategy',
  'revisionHistoryLimit',
  'persistentVolumeClaimRetentionPolicy',
  'minReadySeconds',
];

type Spec = JsonObject;
const specOf = (o: KubeObject): Spec => (isObject(o['spec']) ? o['spec'] : {});

/** The default StorageClass (annotation `storageclass.kubernetes.io/is-default-class: "true"`). */
export function defaultStorageClass(store: ApiStore): KubeObject | undefined {
  return store
    .list('StorageClass')
    .find((c) => c.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true');
}

function statefulSetDefaults(o: KubeObject): void {
  const spec = specOf(o);
  spec['replicas'] ??= 1;
  spec['podManagementPolicy'] ??= 'OrderedReady';
  spec['revisionHistoryLimit'] ??= 10;
  spec['persistentVolumeClaimRetentionPolicy'] ??= { whenDeleted: 'Retain', whenScaled: 'Retain' };
  const strategy = (spec['updateStrategy'] ??= { type: 'RollingUpdate' }) as JsonObject;
  strategy['type'] ??= 'RollingUpdate';
  if (strategy['type'] === 'RollingUpdate') strategy['rollingUpdate'] ??= { partition: 0 };
  const templates = Array.isArray(spec['volumeClaimTemplates']) ? spec['volumeClaimTemplates'] : [];
  for (const t of templates as JsonObject[]) {
    t['apiVersion'] ??= 'v1';
    t['kind'] ??= 'PersistentVolumeClaim';
    ((t['spec'] ??= {}) as JsonObject)['volumeMode'] ??= 'Filesystem';
    t['status'] ??= { phase: 'Pending' };
  }
  o['spec'] = spec;
}

function serviceDefaults(o: KubeObject): void {
  const spec = specOf(o);
  spec['type'] ??= 'ClusterIP';
  spec['sessionAffinity'] ??= 'None';
  spec['internalTrafficPolicy'] ??= 'Cluster';
  if (spec['clusterIP'] === undefined) {
    const h = createHash('sha256')
      .update(`${o.metadata.namespace ?? ''}/${o.metadata.name}`)
      .digest();
    spec['clusterIP'] = `10.96.${h[0] ?? 0}.${((h[1] ?? 0) % 250) + 2}`;
  }
  spec['clusterIPs'] ??= [spec['clusterIP']];
  spec['ipFamilies'] ??= ['IPv4'];
  spec['ipFamilyPolicy'] ??= 'SingleStack';
  const ports = Array.isArray(spec['ports']) ? (spec['ports'] as JsonObject[]) : [];
  for (const p of ports) {
    p['protocol'] ??= 'TCP';
    p['targetPort'] ??= p['port'];
  }
  o['spec'] = spec;
}

function jobDefaults(o: KubeObject): void {
  const spec = specOf(o);
  const uid = o.metadata.uid ?? '';
  spec['completions'] ??= 1;
  spec['parallelism'] ??= 1;
  spec['backoffLimit'] ??= 6;
  spec['completionMode'] ??= 'NonIndexed';
  spec['suspend'] ??= false;
  spec['selector'] ??= { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
  const template = (spec['template'] ??= {}) as JsonObject;
  const meta = (template['metadata'] ??= {}) as JsonObject;
  meta['labels'] = {
    ...(meta['labels'] as Record<string, string> | undefined),
    'batch.kubernetes.io/controller-uid': uid,
    'batch.kubernetes.io/job-name': o.metadata.name,
    'controller-uid': uid,
    'job-name': o.metadata.name,
  };
  o['spec'] = spec;
}

function pvcDefaults(o: KubeObject, store: ApiStore): void {
  const spec = specOf(o);
  spec['volumeMode'] ??= 'Filesystem';
  if (spec['storageClassName'] === undefined) {
    const cls = defaultStorageClass(store);
    if (cls) spec['storageClassName'] = cls.metadata.name;
  }
  o['spec'] = spec;
}

export function applyDefaults(o: KubeObject, store: ApiStore): void {
  switch (o.kind) {
    case 'StatefulSet':
      statefulSetDefaults(o);
      return;
    case 'Service':
      serviceDefaults(o);
      return;
    case 'Job':
      jobDefaults(o);
      return;
    case 'PersistentVolumeClaim':
      pvcDefaults(o, store);
      return;
    case 'Secret':
      o['type'] ??= 'Opaque';
      return;
    default:
      return;
  }
}

function metadataProblem(o: KubeObject): string | undefined {
  const name = o.metadata.name;
  const dns1035 = o.kind === 'Service';
  if (dns1035 ? !DNS_1035_LABEL.test(name) || name.length > 63 : !DNS_1123_SUBDOMAIN.test(name)) {
    return `metadata.name "${name}" is not a valid ${dns1035 ? 'DNS-1035 label' : 'DNS-1123 subdomain'}`;
  }
  if (name.length > 253) return `metadata.name is longer than 253 characters`;
  for (const [k, v] of Object.entries(o.metadata.labels ?? {}) as [string, unknown][]) {
    if (typeof v !== 'string' || v.length > 63 || !LABEL_VALUE.test(v)) {
      return `metadata.labels.${k}: ${JSON.stringify(v)} is not a valid label value`;
    }
  }
  const size = Object.entries(o.metadata.annotations ?? {}).reduce((n, [k, v]) => n + k.length + v.length, 0);
  if (size > ANNOTATIONS_MAX_BYTES) return `metadata.annotations: ${size} bytes, more than 256 KiB`;
  return undefined;
}

function templateLabelProblem(o: KubeObject): string | undefined {
  const template = specOf(o)['template'] as { metadata?: { labels?: Record<string, string> } } | undefined;
  for (const [k, v] of Object.entries(template?.metadata?.labels ?? {})) {
    if (v.length > 63 || !LABEL_VALUE.test(v)) {
      return `spec.template.metadata.labels.${k}: "${v}" is not a valid label value`;
    }
  }
  return undefined;
}

function statefulSetUpdateProblem(old: KubeObject, o: KubeObject): string | undefined {
  const strip = (s: Spec): Spec =>
    Object.fromEntries(Object.entries(s).filter(([k]) => !STS_MUTABLE.includes(k)));
  if (!deepEqual(strip(specOf(old)), strip(specOf(o)))) {
    return (
      'spec: Forbidden: updates to statefulset spec for fields other than ' +
      `${STS_MUTABLE.map((f) => `'${f}'`).join(', ')} are forbidden`
    );
  }
  return undefined;
}

function jobUpdateProblem(old: KubeObject, o: KubeObject): string | undefined {
  for (const f of ['template', 'selector', 'completions', 'completionMode']) {
    if (!deepEqual(specOf(old)[f], specOf(o)[f])) return `spec.${f}: field is immutable`;
  }
  return undefined;
}

const storageOf = (o: KubeObject): string | undefined =>
  (specOf(o)['resources'] as { requests?: { storage?: string } } | undefined)?.requests?.storage;

function pvcUpdateProblem(old: KubeObject, o: KubeObject, store: ApiStore): string | undefined {
  const strip = (s: Spec): Spec =>
    Object.fromEntries(Object.entries(s).filter(([k]) => !['resources', 'volumeName'].includes(k)));
  if (!deepEqual(strip(specOf(old)), strip(specOf(o)))) {
    return 'spec: Forbidden: spec is immutable after creation except resources.requests';
  }
  if (storageOf(old) === storageOf(o)) return undefined;
  const before = bytes(storageOf(old));
  const after = bytes(storageOf(o));
  if (after === before) return undefined;
  if (after < before)
    return 'spec.resources.requests.storage: Forbidden: field can not be less than status.capacity';
  const cls = store.get({ kind: 'StorageClass', namespace: '', name: String(specOf(o)['storageClassName']) });
  if (cls?.['allowVolumeExpansion'] !== true) {
    return (
      'spec: Forbidden: only dynamically provisioned pvc can be resized and the storageclass that ' +
      'provisions the pvc must support resize'
    );
  }
  return undefined;
}

export function validateObject(
  old: KubeObject | undefined,
  o: KubeObject,
  store: ApiStore,
): string | undefined {
  const meta = metadataProblem(o) ?? templateLabelProblem(o);
  if (meta !== undefined || old === undefined) return meta;
  switch (o.kind) {
    case 'StatefulSet':
      return statefulSetUpdateProblem(old, o);
    case 'Job':
      return jobUpdateProblem(old, o);
    case 'PersistentVolumeClaim':
      return pvcUpdateProblem(old, o, store);
    case 'Service': {
      const a = specOf(old)['clusterIP'];
      return a !== undefined && a !== specOf(o)['clusterIP']
        ? 'spec.clusterIP: field is immutable'
        : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * The StorageObjectInUseProtection admission plugin: a new claim gets the `kubernetes.io/pvc-protection`
 * finalizer, which the pvc-protection controller (../sim/volumes.ts) removes once no pod uses the
 * claim. Kubernetes docs `content/en/docs/concepts/storage/persistent-volumes.md`, "Storage Object in
 * Use Protection".
 */
export const PVC_PROTECTION = 'kubernetes.io/pvc-protection';

function admit(o: KubeObject): void {
  if (o.kind !== 'PersistentVolumeClaim') return;
  const finalizers = o.metadata.finalizers ?? [];
  if (!finalizers.includes(PVC_PROTECTION)) o.metadata.finalizers = [...finalizers, PVC_PROTECTION];
}

export const KUBERNETES_RULES: KindRules = { defaults: applyDefaults, admit, validate: validateObject };

const UNITS: Readonly<Record<string, number>> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
};

/** Bytes of a storage quantity (`10Gi`, `500M`); NaN for anything else. */
export function bytes(q: string | undefined): number {
  const m = /^(\d+(?:\.\d+)?)([kMGTP]i?|)$/.exec(q ?? '');
  if (!m) return Number.NaN;
  return Number(m[1]) * (UNITS[m[2] ?? ''] ?? Number.NaN);
}
