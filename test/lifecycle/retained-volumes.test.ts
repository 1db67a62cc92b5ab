/**
 * Scenarios: a cluster created again after a normal (background) delete, over the data volumes
 * `storage.retentionPolicy.whenDeleted: Retain` kept (docs/day2.md "Deleting a cluster"). The old
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
async function retainedCluster(s: Scenario): Promise<{ secrets: Record<string, unknown>; system?: string }> {
  await s.given.cluster(SPEC);
  s.when.primaryWrites(4096);
  await s.settle();
  const secrets = Object.fromEntries(secretNames(s).map((n) => [n, get(s, 'Secret', n)?.['data']]));
  const system = get(s, 'Endpoints', `${s.name}-config`)?.metadata.annotations?.['initialize'];
  s.when.clusterDeleted();
  await s.settle();
  expect(s.parent()).toBeUndefined();
  expect(s.then.pvcNames()).toEqual([`pgdata-${s.name}-0`, `pgdata-${s.name}-1`]);
  expect(secretNames(s).map((n) => get(s, 'Secret', n))).toEqual([undefined, undefined, undefined]);
  return { secrets, ...(system === undefined ? {} : { system }) };
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
      },
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
    const bootstraps = s.sim.patroni.events.filter((e) => e.type === 'bootstrap').length;

    await s.given.cluster(SPEC);

    const ready = s.then.condition('Ready', { status: 'False', reason: 'RetainedVolumes' });
    // Nothing moves until the user acts: not progressing, phase Pending.
    s.then.condition('Progressing', { status: 'False', reason: 'RetainedVolumes' });
    s.then.phase('Pending');
    expect(ready.message).toContain(`pgdata-${s.name}-0, pgdata-${s.name}-1`);
    expect(get(s, 'StatefulSet', s.name)).toBeUndefined();
    expect(s.then.podNames()).toEqual([]);
    expect(secretNames(s).map((n) => get(s, 'Secret', n))).toEqual([undefined, undefined, undefined]);
    expect(s.then.pvcNames().map((n) => get(s, 'PersistentVolumeClaim', n)?.metadata.uid)).toEqual(claims);
    expect(s.sim.patroni.events.filter((e) => e.type === 'bootstrap')).toHaveLength(bootstraps);
    s.then.noErrors();
  });

  it('adopts the data when the old credentials are supplied: same system, same passwords', async () => {
    const s = world.scenario();
    const { secrets, system } = await retainedCluster(s);
    const bootstraps = s.sim.patroni.events.filter((e) => e.type === 'bootstrap').length;
    secretsSupplied(s, secrets);

    await s.given.cluster(SPEC);

    s.then.phase('Running');
    // No initdb: Patroni adopted the data, whose system identifier is the old cluster's (ha.py Ha._run_cycle).
    const events = (type: string) => s.sim.patroni.events.filter((e) => e.type === type);
    expect(events('bootstrap')).toHaveLength(bootstraps);
    expect(events('adopt').map((e) => [e.member, e.detail])).toEqual([[`${s.name}-0`, system]]);
    expect(get(s, 'Endpoints', `${s.name}-config`)?.metadata.annotations?.['initialize']).toBe(system);
    expect(events('sysid-mismatch')).toEqual([]);
    for (const name of secretNames(s)) {
      expect([name, get(s, 'Secret', name)?.['data']]).toEqual([name, secrets[name]]);
      expect(get(s, 'Secret', name)?.metadata.ownerReferences?.map((r) => r.uid)).toEqual([
        s.parent()?.metadata.uid,
      ]);
    }
    expect(s.then.podNames()).toEqual([`${s.name}-0`, `${s.name}-1`]);
    await s.then.steadyState();
  });

  it('out of the refusal by supplying the old credentials: the data is adopted', async () => {
    const kept = world.scenario();
    const { secrets, system } = await retainedCluster(kept);
    await kept.given.cluster(SPEC);
    kept.then.condition('Ready', { status: 'False', reason: 'RetainedVolumes' });
    secretsSupplied(kept, secrets);
    await kept.settle();
    kept.then.phase('Running');
    expect(kept.sim.patroni.events.filter((e) => e.type === 'adopt').map((e) => e.detail)).toEqual([system]);
    for (const name of secretNames(kept)) expect(get(kept, 'Secret', name)?.['data']).toEqual(secrets[name]);
    await kept.then.steadyState();
  });

  it('out of the refusal by deleting the claims: a new, empty database', async () => {
    const empty = world.scenario();
    await retainedCluster(empty);
    await empty.given.cluster(SPEC);
    empty.then.condition('Ready', { status: 'False', reason: 'RetainedVolumes' });
    for (const claim of empty.then.pvcNames()) empty.when.deleted('PersistentVolumeClaim', claim);
    await empty.settle();
    empty.then.phase('Running');
    // A new system: initdb on an empty volume, never an adoption.
    expect(empty.then.patroniEvents('bootstrap')).toHaveLength(1);
    expect(empty.sim.patroni.events.filter((e) => e.type === 'adopt')).toEqual([]);
    await empty.then.steadyState();
  });

  it('without the claim of member 0: refused even with the credentials (member 0 would start a new system)', async () => {
    const s = world.scenario();
    const { secrets } = await retainedCluster(s);
    s.when.deleted('PersistentVolumeClaim', `pgdata-${s.name}-0`);
    await s.settle();
    secretsSupplied(s, secrets);

    await s.given.cluster(SPEC);

    const ready = s.then.condition('Ready', { status: 'False', reason: 'RetainedVolumes' });
    expect(ready.message).toContain(`pgdata-${s.name}-0 is gone`);
    expect(get(s, 'StatefulSet', s.name)).toBeUndefined();
    expect(s.then.pvcNames()).toEqual([`pgdata-${s.name}-1`]);
    s.then.noErrors();
  });

  it('a refused cluster deleted again: it goes, the retained claims stay', async () => {
    const s = world.scenario();
    await retainedCluster(s);
    await s.given.cluster(SPEC);
    s.then.condition('Ready', { status: 'False', reason: 'RetainedVolumes' });

    s.when.clusterDeleted();
    await s.settle();

    expect(s.parent()).toBeUndefined();
    expect(s.then.pvcNames()).toEqual([`pgdata-${s.name}-0`, `pgdata-${s.name}-1`]);
    s.then.noErrors();
  });
});
