/**
 * OpenShift's default SecurityContextConstraints `restricted-v2`, as data, and a check of a pod spec
 * against it: what the SCC admission plugin would refuse.
 *
 * The values are those of openshift/cluster-kube-apiserver-operator
 * `bindata/bootkube/scc-manifests/0000_20_kube-apiserver-operator_00_scc-restricted-v2.yaml`:
 * no privileged container, no privilege escalation, capabilities: drop ALL required and only
 * NET_BIND_SERVICE may be added; `runAsUser: MustRunAsRange`, `fsGroup: MustRunAs` and
 * `seLinuxContext: MustRunAs` (all from the namespace's annotations, which a rendered pod cannot know,
 * so a pod that works in every project sets none of them); `supplementalGroups: RunAsAny`; seccomp
 * `runtime/default`; no host network, PID, IPC or ports; the volume types configMap, downwardAPI,
 * emptyDir, persistentVolumeClaim, projected and secret; a writable root filesystem allowed.
 */
type Obj = Record<string, unknown>;

export const RESTRICTED_V2 = {
  allowedCapabilities: ['NET_BIND_SERVICE'],
  requiredDropCapabilities: ['ALL'],
  seccompProfiles: ['RuntimeDefault'],
  volumes: ['configMap', 'downwardAPI', 'emptyDir', 'persistentVolumeClaim', 'projected', 'secret'],
} as const;

const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null ? (v as Obj) : {});

function containerViolations(c: Obj, pod: Obj): string[] {
  const name = String(c['name']);
  const sc = obj(c['securityContext']);
  const caps = obj(sc['capabilities']);
  const drop = (caps['drop'] as string[] | undefined) ?? [];
  const add = (caps['add'] as string[] | undefined) ?? [];
  const out: string[] = [];
  if (sc['privileged'] === true) out.push(`${name}: privileged`);
  if (sc['allowPrivilegeEscalation'] !== false) out.push(`${name}: allowPrivilegeEscalation is not false`);
  for (const req of RESTRICTED_V2.requiredDropCapabilities)
    if (!drop.includes(req)) out.push(`${name}: does not drop ${req}`);
  for (const a of add)
    if (!(RESTRICTED_V2.allowedCapabilities as readonly string[]).includes(a)) out.push(`${name}: adds ${a}`);
  for (const field of ['runAsUser', 'seLinuxOptions'])
    if (sc[field] !== undefined) out.push(`${name}: fixes ${field}`);
  const seccomp = obj(sc['seccompProfile'] ?? obj(pod['securityContext'])['seccompProfile'])['type'];
  if (seccomp !== undefined && !(RESTRICTED_V2.seccompProfiles as readonly unknown[]).includes(seccomp))
    out.push(`${name}: seccomp ${JSON.stringify(seccomp)}`);
  for (const p of (c['ports'] as Obj[] | undefined) ?? [])
    if (p['hostPort'] !== undefined) out.push(`${name}: hostPort ${JSON.stringify(p['hostPort'])}`);
  return out;
}

/** Every restricted-v2 rule the pod spec breaks; empty when the SCC admits it in any project. */
export function restrictedV2Violations(podSpec: Obj): string[] {
  const sc = obj(podSpec['securityContext']);
  const out: string[] = [];
  for (const field of ['runAsUser', 'fsGroup', 'seLinuxOptions'])
    if (sc[field] !== undefined) out.push(`pod: fixes ${field}`);
  for (const host of ['hostNetwork', 'hostPID', 'hostIPC'])
    if (podSpec[host] === true) out.push(`pod: ${host}`);
  for (const v of (podSpec['volumes'] as Obj[] | undefined) ?? []) {
    const type = Object.keys(v).find((k) => k !== 'name');
    if (!(RESTRICTED_V2.volumes as readonly (string | undefined)[]).includes(type))
      out.push(`volume ${String(v['name'])}: type ${String(type)}`);
  }
  const containers = [
    ...((podSpec['initContainers'] as Obj[] | undefined) ?? []),
    ...((podSpec['containers'] as Obj[] | undefined) ?? []),
  ];
  return [...out, ...containers.flatMap((c) => containerViolations(c, podSpec))];
}

/** The pod spec of a workload (StatefulSet, Deployment, Job), or undefined for other kinds. */
export function podSpecOf(o: Obj): Obj | undefined {
  if (!['StatefulSet', 'Deployment', 'Job', 'Pod'].includes(String(o['kind']))) return undefined;
  if (o['kind'] === 'Pod') return obj(o['spec']);
  return obj(obj(obj(o['spec'])['template'])['spec']);
}
