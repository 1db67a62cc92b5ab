/**
 * What deleting a cluster must not leave behind. Patroni keeps its state in Endpoints it creates
 * itself (never children of the cluster, so the garbage collector does not remove them):
 * `<scope>-config` holds `initialize` (the system identifier) and the dynamic configuration, and
 * `-sync`, `-failover` hold the synchronous standby and a pending manual failover; Patroni also makes a
 * `<scope>-config` Service so the endpoints controller keeps that Endpoints object. A new cluster of
 * the same name would read all of it: a stale `initialize` makes a fresh data directory a stranger to
 * its own cluster, and no member would ever bootstrap.
 *
 * Once every member pod is gone, finalize runs `<cluster>-cleanup-<hash>`, whose account may delete
 * exactly those objects and nothing else. The leader Endpoints `<scope>` goes by itself: it shares its
 * name with the primary Service, and the endpoints controller deletes a Service's Endpoints with it.
 *
 * In ConfigMaps mode (`spec.patroni.dcs: configmaps`) the same state sits in the ConfigMaps
 * `<scope>-leader`, `-config`, `-sync` and `-failover` (patroni/dcs/kubernetes.py `Kubernetes.leader_path`,
 * `_patch_or_create`), and no `-config` Service exists (`_should_create_config_service` is set only with
 * `use_endpoints`). Nothing removes the leader ConfigMap by itself, so the Job deletes all four.
 */
import type { KubeObject } from '../../lib/k8s.js';
import { getObject } from '../../metacontroller/children.js';
import type { SyncRequest } from '../../metacontroller/types.js';
import { patroniObjects } from '../names.js';
import type { ResolvedCluster } from '../spec/resolved.js';
import { envValue } from '../spilo/env.js';
import { buildOperationJob, shortHash } from './job.js';
import { PY_COMMON, PY_KUBERNETES } from './python.js';
import { buildOperationRbac, namedRule } from './rbac.js';

const CLEANUP_MAIN = String.raw`
TARGETS = os.environ['DELETE'].split()


def delete(target):
    kind, name = target.split('/', 1)
    for _ in range(30):
        status, body = kube('DELETE', core(kind, name))
        if status in (200, 202, 404):
            log('%s %s' % (target, 'deleted' if status != 404 else 'already gone'))
            return
        if status != 0:
            fail('DELETE %s: %s %s' % (target, status, body))
        time.sleep(POLL)
    fail('cannot reach the Kubernetes API to delete ' + target)


def main():
    for target in TARGETS:
        delete(target)


if __name__ == '__main__':
    main()
`;

/** The whole program (`python3 -c`). */
export const CLEANUP_SCRIPT = [PY_COMMON, PY_KUBERNETES, CLEANUP_MAIN].join('\n');

/** Deleting four objects takes seconds. */
export const CLEANUP_DEADLINE_SECONDS = 300;

type Dcs = ResolvedCluster['patroni']['dcs'];

/** The names of Patroni's objects the Job deletes: the leader's too unless it goes with its Service. */
function leftoverNames(cluster: Pick<ResolvedCluster, 'name'>, dcs: Dcs): string[] {
  const p = patroniObjects(cluster, dcs);
  return [...(dcs === 'configmaps' ? [p.leader] : []), p.config, p.sync, p.failover];
}

/** Patroni's objects to delete, as `<resource>/<name>`, the `-config` Service (Endpoints mode) first. */
export function patroniLeftovers(cluster: Pick<ResolvedCluster, 'name' | 'patroni'>): string[] {
  const { dcs } = cluster.patroni;
  const p = patroniObjects(cluster, dcs);
  return [
    ...(dcs === 'endpoints' ? [`services/${p.config}`] : []),
    ...leftoverNames(cluster, dcs).map((name) => `${p.resource}/${name}`),
  ];
}

/** Patroni's objects of the cluster's DCS kind (other than a leader Endpoints) still observed. */
export function remainingEndpoints(
  req: SyncRequest,
  cluster: Pick<ResolvedCluster, 'name' | 'patroni'>,
): string[] {
  const { dcs } = cluster.patroni;
  const kind = patroniObjects(cluster, dcs).kind;
  const namespace = req.parent.metadata.namespace;
  return leftoverNames(cluster, dcs).filter(
    (name) =>
      getObject(
        req.related,
        { kind, apiVersion: 'v1' },
        { name, ...(namespace === undefined ? {} : { namespace }) },
      ) !== undefined,
  );
}

/** The cleanup Job and its account. */
export function cleanupChildren(cluster: ResolvedCluster): KubeObject[] {
  const targets = patroniLeftovers(cluster);
  const { dcs } = cluster.patroni;
  const p = patroniObjects(cluster, dcs);
  const job = buildOperationJob(cluster, {
    operation: 'cleanup',
    hash: shortHash(targets),
    script: CLEANUP_SCRIPT,
    env: [envValue('DELETE', targets.join(' ')), envValue('NAMESPACE', cluster.namespace)],
    annotations: { 'pgmeta.io/cleanup-targets': targets.join(' ') },
    deadlineSeconds: CLEANUP_DEADLINE_SECONDS,
    patroniClient: false,
    kubernetesApi: true,
  });
  const rules = [
    namedRule({ group: '', resource: p.resource, verbs: ['delete'], names: leftoverNames(cluster, dcs) }),
    ...(dcs === 'endpoints'
      ? [namedRule({ group: '', resource: 'services', verbs: ['delete'], names: [p.config] })]
      : []),
  ];
  return [job, ...buildOperationRbac(cluster, 'cleanup', rules)];
}
