/**
 * What a support report holds for one cluster: the cluster and every object that belongs to it
 * (by the `pgmeta.io/cluster` label, and PostgresBackups/PostgresDatabases by their clusterRef), the
 * namespace's events about them, and the logs of every container of the member and Job pods.
 */
import { Writable } from 'node:stream';
import type { KubeObject } from '../../lib/k8s.js';
import type { Kube } from '../kube/client.js';

const KINDS = [
  'StatefulSet',
  'Service',
  'Endpoints',
  'ConfigMap',
  'Secret',
  'PersistentVolumeClaim',
  'Job',
  'Pod',
  'Deployment',
  'PodDisruptionBudget',
] as const;

export interface Collected {
  objects: KubeObject[];
  events: KubeObject[];
  logs: { pod: string; container: string; text: string }[];
  problems: string[];
}

async function logOf(kube: Kube, pod: string, container: string): Promise<string> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _e, cb) {
      chunks.push(chunk);
      cb();
    },
  });
  const done = new Promise<void>((r) =>
    sink.on('finish', () => {
      r();
    }),
  );
  await new kube.k8s.Log(kube.kc).log(kube.namespace, pod, container, sink, {
    follow: false,
    tailLines: 5000,
  });
  await done;
  return Buffer.concat(chunks).toString('utf8');
}

function containers(pod: KubeObject): string[] {
  const spec = pod['spec'] as
    { containers?: { name: string }[]; initContainers?: { name: string }[] } | undefined;
  return [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])].map((c) => c.name);
}

const refersTo = (o: KubeObject, cluster: string) =>
  (o['spec'] as { clusterRef?: { name?: string } } | undefined)?.clusterRef?.name === cluster;

export async function collect(kube: Kube, cluster: KubeObject): Promise<Collected> {
  const name = cluster.metadata.name;
  const sel = { labelSelector: `pgmeta.io/cluster=${name}` };
  const problems: string[] = [];
  const lists = await Promise.all(
    KINDS.map((k) =>
      kube.list(k, sel).catch((e: unknown) => {
        problems.push(`${k}: ${e instanceof Error ? e.message : String(e)}`);
        return [];
      }),
    ),
  );
  const jobs = lists[KINDS.indexOf('Job')] ?? [];
  const jobPods =
    jobs.length === 0
      ? []
      : await kube.list('Pod', {
          labelSelector: `job-name in (${jobs.map((j) => j.metadata.name).join(',')})`,
        });
  const crs = [...(await kube.list('PostgresBackup')), ...(await kube.list('PostgresDatabase'))].filter((o) =>
    refersTo(o, name),
  );
  const byUid = new Map<string, KubeObject>();
  for (const o of [cluster, ...crs, ...lists.flat(), ...jobPods])
    byUid.set(o.metadata.uid ?? `${o.kind}/${o.metadata.name}`, o);
  const objects = [...byUid.values()];
  const names = new Set(objects.map((o) => o.metadata.name));
  const events = (await kube.list('Event')).filter((e) =>
    names.has(String((e['involvedObject'] as { name?: string } | undefined)?.name)),
  );
  const logs: Collected['logs'] = [];
  for (const pod of objects.filter((o) => o.kind === 'Pod')) {
    for (const container of containers(pod)) {
      try {
        logs.push({
          pod: pod.metadata.name,
          container,
          text: await logOf(kube, pod.metadata.name, container),
        });
      } catch (e) {
        problems.push(
          `logs of ${pod.metadata.name}/${container}: ${e instanceof Error ? (e.message.split('\n')[0] ?? '') : String(e)}`,
        );
      }
    }
  }
  return { objects, events, logs, problems };
}
