/**
 * The REST resources the emulated API server serves: group, version, plural, kind and scope, as
 * `kubectl api-resources` lists them on a real cluster (Kubernetes API conventions, "Resources":
 * /api/v1/... for the core group, /apis/<group>/<version>/... for every other).
 */
export interface Resource {
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
  /** Subresources beyond `status` that have a handler (exec and log are pods' only). */
  status: boolean;
}

const r = (group: string, version: string, plural: string, kind: string, namespaced = true): Resource => ({
  group,
  version,
  plural,
  kind,
  namespaced,
  status: !['secrets', 'configmaps', 'events', 'endpoints', 'serviceaccounts'].includes(plural),
});

export const RESOURCES: readonly Resource[] = [
  r('', 'v1', 'pods', 'Pod'),
  r('', 'v1', 'services', 'Service'),
  r('', 'v1', 'endpoints', 'Endpoints'),
  r('', 'v1', 'secrets', 'Secret'),
  r('', 'v1', 'configmaps', 'ConfigMap'),
  r('', 'v1', 'persistentvolumeclaims', 'PersistentVolumeClaim'),
  r('', 'v1', 'serviceaccounts', 'ServiceAccount'),
  r('', 'v1', 'events', 'Event'),
  r('', 'v1', 'nodes', 'Node', false),
  r('', 'v1', 'namespaces', 'Namespace', false),
  r('', 'v1', 'persistentvolumes', 'PersistentVolume', false),
  r('apps', 'v1', 'statefulsets', 'StatefulSet'),
  r('apps', 'v1', 'deployments', 'Deployment'),
  r('batch', 'v1', 'jobs', 'Job'),
  r('policy', 'v1', 'poddisruptionbudgets', 'PodDisruptionBudget'),
  r('rbac.authorization.k8s.io', 'v1', 'roles', 'Role'),
  r('rbac.authorization.k8s.io', 'v1', 'rolebindings', 'RoleBinding'),
  r('networking.k8s.io', 'v1', 'networkpolicies', 'NetworkPolicy'),
  r('storage.k8s.io', 'v1', 'storageclasses', 'StorageClass', false),
  r('pgmeta.io', 'v1alpha1', 'postgresclusters', 'PostgresCluster'),
  r('pgmeta.io', 'v1alpha1', 'postgresbackups', 'PostgresBackup'),
  r('pgmeta.io', 'v1alpha1', 'postgresdatabases', 'PostgresDatabase'),
];

/** A parsed request path. */
export interface Route {
  resource: Resource;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
}

/**
 * Parses `/api/v1[/namespaces/NS]/PLURAL[/NAME[/SUB]]` and the `/apis/GROUP/VERSION/...` form.
 * Undefined when the path names no served resource (the caller answers 404 NotFound).
 */
export function parsePath(path: string): Route | undefined {
  const parts = path.split('/').filter((p) => p !== '');
  let group = '';
  let rest: string[];
  if (parts[0] === 'api') rest = parts.slice(1);
  else if (parts[0] === 'apis' && parts.length > 1) {
    group = parts[1] ?? '';
    rest = parts.slice(2);
  } else return undefined;
  const [version, ...tail] = rest;
  let namespace: string | undefined;
  let segs = tail;
  if (segs[0] === 'namespaces' && segs.length >= 3) {
    namespace = decodeURIComponent(segs[1] ?? '');
    segs = segs.slice(2);
  }
  const [plural, name, subresource, ...extra] = segs;
  const resource = RESOURCES.find((x) => x.group === group && x.version === version && x.plural === plural);
  if (!resource || extra.length > 0) return undefined;
  if (namespace !== undefined && !resource.namespaced) return undefined;
  return {
    resource,
    namespace,
    name: name === undefined ? undefined : decodeURIComponent(name),
    subresource,
  };
}

export function apiVersionOf(res: Resource): string {
  return res.group === '' ? res.version : `${res.group}/${res.version}`;
}
