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
 */
import type { KubeObject } from '../../lib/k8s.js';
import { getObject } from '../../metacontroller/children.js';
import type { SyncRequest } from '../../metacontroller/types.js';
import { clusterNames } from '../names.js';
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

/** Patroni's objects to delete, as `<resource>/<name>`, the Service first. */
export function patroniLeftovers(cluster: Pick<ResolvedCluster, 'name'>): string[] {
  const p = clusterNames(cluster).patroni;
  return [`services/${p.config}`, `endpoints/${p.config}`, `endpoints/${p.sync}`, `endpoints/${p.failover}`];
}

/** Patroni Endpoints (other than the leader's) still observed. */
export function remainingEndpoints(req: SyncRequest): string[] {
  const p = clusterNames(req.parent.metadata).patroni;
  const namespace = req.parent.metadata.namespace;
  return [p.config, p.sync, p.failover].filter(
    (name) =>
      getObject(
        req.related,
        { kind: 'Endpoints', apiVersion: 'v1' },
        { name, ...(namespace === undefined ? {} : { namespace }) },
      ) !== undefined,
  );
}

/** The cleanup Job and its account. */
export function cleanupChildren(cluster: ResolvedCluster): KubeObject[] {
  const targets = patroniLeftovers(cluster);
  const p = clusterNames(cluster).patroni;
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
    namedRule({ group: '', resource: 'endpoints', verbs: ['delete'], names: [p.config, p.sync, p.failover] }),
    namedRule({ group: '', resource: 'services', verbs: ['delete'], names: [p.config] }),
  ];
  return [job, ...buildOperationRbac(cluster, 'cleanup', rules)];
}
