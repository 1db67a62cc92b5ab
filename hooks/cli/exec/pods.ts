/**
 * Which pod a command talks to: the primary is the pod Patroni labels `spilo-role=master` (the label
 * the primary Service's Endpoints follow); a replica is a ready pod labelled `replica`, the most
 * caught-up one first (status.members lagBytes). Member pods carry the cluster label and component
 * `database` (hooks/postgrescluster/names.ts podSelector).
 */
import type { KubeObject } from '../../lib/k8s.js';
import { CliError } from '../main.js';
import type { Kube } from '../kube/client.js';

export const DATABASE_CONTAINER = 'postgres';

export function memberSelector(cluster: string): string {
  return `pgmeta.io/cluster=${cluster},app.kubernetes.io/component=database`;
}

function ready(pod: KubeObject): boolean {
  const st = pod['status'] as { conditions?: { type: string; status: string }[] } | undefined;
  return (
    pod.metadata.deletionTimestamp === undefined &&
    (st?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True')
  );
}

export async function memberPods(kube: Kube, cluster: string): Promise<KubeObject[]> {
  const pods = await kube.list('Pod', { labelSelector: memberSelector(cluster) });
  return pods.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
}

export async function choosePod(
  kube: Kube,
  cluster: KubeObject,
  role: 'primary' | 'replica',
): Promise<KubeObject> {
  const name = cluster.metadata.name;
  const pods = (await memberPods(kube, name)).filter(ready);
  const label = role === 'primary' ? 'master' : 'replica';
  const members =
    (cluster['status'] as { members?: { name: string; lagBytes?: number }[] } | undefined)?.members ?? [];
  const lagOf = (p: KubeObject) =>
    members.find((m) => m.name === p.metadata.name)?.lagBytes ?? Number.MAX_SAFE_INTEGER;
  const candidates = pods
    .filter((p) => p.metadata.labels?.['spilo-role'] === label)
    .sort((a, b) => lagOf(a) - lagOf(b));
  const pod = candidates[0];
  if (!pod)
    throw new CliError(
      `${name} has no ready ${role}${role === 'primary' ? ' (see `status`)' : ' (a single-member cluster has none)'}`,
    );
  return pod;
}
