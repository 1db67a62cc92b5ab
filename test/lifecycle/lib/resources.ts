/** Plural resource names → kinds, as API discovery would tell Metacontroller. */
import { loadCrds } from './crd';

export interface ResourceInfo {
  kind: string;
  namespaced: boolean;
}

const BUILTIN: Readonly<Record<string, ResourceInfo>> = {
  pods: { kind: 'Pod', namespaced: true },
  persistentvolumeclaims: { kind: 'PersistentVolumeClaim', namespaced: true },
  endpoints: { kind: 'Endpoints', namespaced: true },
  services: { kind: 'Service', namespaced: true },
  secrets: { kind: 'Secret', namespaced: true },
  configmaps: { kind: 'ConfigMap', namespaced: true },
  serviceaccounts: { kind: 'ServiceAccount', namespaced: true },
  roles: { kind: 'Role', namespaced: true },
  rolebindings: { kind: 'RoleBinding', namespaced: true },
  statefulsets: { kind: 'StatefulSet', namespaced: true },
  deployments: { kind: 'Deployment', namespaced: true },
  jobs: { kind: 'Job', namespaced: true },
  cronjobs: { kind: 'CronJob', namespaced: true },
  poddisruptionbudgets: { kind: 'PodDisruptionBudget', namespaced: true },
  networkpolicies: { kind: 'NetworkPolicy', namespaced: true },
  storageclasses: { kind: 'StorageClass', namespaced: false },
  persistentvolumes: { kind: 'PersistentVolume', namespaced: false },
  nodes: { kind: 'Node', namespaced: false },
  // The attachments of the optional components (manifests/components/): CRDs of cert-manager,
  // the Prometheus operator and KEDA, served once those are installed.
  certificates: { kind: 'Certificate', namespaced: true },
  podmonitors: { kind: 'PodMonitor', namespaced: true },
  prometheusrules: { kind: 'PrometheusRule', namespaced: true },
  scaledobjects: { kind: 'ScaledObject', namespaced: true },
  triggerauthentications: { kind: 'TriggerAuthentication', namespaced: true },
};

let custom: Record<string, ResourceInfo> | undefined;

/** The kind served under a plural resource name; throws for one discovery would not know. */
export function resourceInfo(resource: string): ResourceInfo {
  custom ??= Object.fromEntries(loadCrds().map((c) => [c.plural, { kind: c.kind, namespaced: true }]));
  const info = BUILTIN[resource] ?? custom[resource];
  if (!info) throw new Error(`resource "${resource}" is not served by the emulated API server`);
  return info;
}
