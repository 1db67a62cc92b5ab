/**
 * Scenarios: a cluster created again after a normal (background) delete, over the data volumes
 * `storage.retentionPolicy.whenDeleted: Retain` kept (README "Deleting a cluster"). The old
 * credential Secrets went with the old cluster; the claims `pgdata-<name>-<ordinal>` stayed, with the
 * old data directory on them.
 */
import type { KubeObject } from '../../hooks/lib/k8s';
import { CLUSTER_LABEL, LABELS } from '../../hooks/postgrescluster/names';
import { USER } from './scenario-given';
import { useLifecycle, type Scenario } from './scenario';

const SPEC = { version: '16', replicas: 2, storage: { size: '10Gi' } };

const secretNames = (s: Scenario) => ['superuser', 'replication', 'app'].map((p) => `${s.name}-${p}`);

const get = (s: Scenario, kind: string, name: string): KubeObject | undefined =>
  s.store.get({ kind, namespace: s.namespace, name });

/** The old cluster, deleted the default way; its data claims stay. */
async function retainedCluster(s: Scenario): Promise<Record<string, unknown>> {
  await s.given.cluster(SPEC);
  s.when.primaryWrites(4096);
  await s.settle();
  const secrets = Object.fromEntries(secretNames(s).map((n) => [n, get(s, 'Secret', n)?.['data']]));
  s.when.clusterDeleted();
  await s.settle();
  expect(s.parent()).toBeUndefined();
  expect(s.then.pvcNames()).toEqual([`pgdata-${s.name}-0`, `pgdata-${s.name}-1`]);
  expect(secretNames(s).map((n) => get(s, 'Secret', n))).toEqual([undefined, undefined, undefined]);
  return secrets;
}

/** The old credentials, put back as the user kept them: labelled for a cluster of this name. */
function secretsSupplied(s: Scenario, secrets: Record<string, unknown>): void {
  for (const [name, data] of Object.entries(secrets)) {
    s.store.create(
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          name,
          namespace: s.namespace,
          labels: { [CLUSTER_LABEL]: s.name, [LABELS.managedBy]: 'pgmeta' },
        },
        data,
      } as KubeObject,
      USER,
    );
  }
}

describe('lifecycle: a cluster created again over retained volumes', () => {
  const world = useLifecycle();

  it('is refused with RetainedVolumes: no member starts, no initdb, nothing is deleted', async () => {
    const s = world.scenario();
    await retainedCluster(s);
    const claims = s.then.pvcNames().map((n) => get(s, 'PersistentVolumeClaim', n)?.metadata.uid);
    const bootstraps = s.then.patroniEvents('bootstrap').length;

    await s.given.cluster(SPEC);

    const ready = s.then.condition('Ready', { status: 'False', reason: 'RetainedVolumes' });
    expect(ready.message).toContain(`pgdata-${s.name}-0, pgdata-${s.name}-1`);
    expect(get(s, 'StatefulSet', s.name)).toBeUndefined();
    expect(s.then.podNames()).toEqual([]);
    expect(secretNames(s).map((n) => get(s, 'Secret', n))).toEqual([undefined, undefined, undefined]);
    expect(s.then.pvcNames().map((n) => get(s, 'PersistentVolumeClaim', n)?.metadata.uid)).toEqual(claims);
    expect(s.then.patroniEvents('bootstrap')).toHaveLength(bootstraps);
    s.then.noErrors();
  });

  it('adopts the data when the old credentials are supplied: same system, same passwords', async () => {
    const s = world.scenario();
    const secrets = await retainedCluster(s);
    const bootstraps = s.then.patroniEvents('bootstrap').length;
    secretsSupplied(s, secrets);

    await s.given.cluster(SPEC);

    s.then.phase('Running');
    expect(s.then.patroniEvents('bootstrap')).toHaveLength(bootstraps);
    for (const name of secretNames(s)) {
      expect([name, get(s, 'Secret', name)?.['data']]).toEqual([name, secrets[name]]);
      expect(get(s, 'Secret', name)?.metadata.ownerReferences?.map((r) => r.uid)).toEqual([
        s.parent()?.metadata.uid,
      ]);
    }
    expect(s.then.podNames()).toEqual([`${s.name}-0`, `${s.name}-1`]);
    await s.then.steadyState();
  });
});
