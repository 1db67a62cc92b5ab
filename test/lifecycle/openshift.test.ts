/**
 * Scenarios of the OpenShift profile (`spec.platform: openshift`): a cluster whose every pod (members,
 * the bootstrap and day-2 Jobs) OpenShift's restricted-v2 SCC admits in any project, and which runs
 * Patroni on ConfigMaps by default. The simulated API server has no SCC admission, so each pod the
 * scenario ever created is checked against restricted-v2 (test/support/restricted-v2.ts).
 */
import { podSpecOf, restrictedV2Violations } from '../support/restricted-v2';
import { useLifecycle, type Scenario } from './scenario';

const OPENSHIFT = { version: '16', replicas: 3, storage: { size: '10Gi' }, platform: 'openshift' };

/**
 * Watches the store as SCC admission would: every pod created from now on (members, Job pods,
 * replacements) is checked, so pods deleted later are not missed. Returns the pods seen and the refusals.
 */
function admission(s: Scenario): { pods: string[]; refused: string[] } {
  const seen = { pods: [] as string[], refused: [] as string[] };
  s.store.watchers.push((c, obj) => {
    if (c.kind !== 'Pod' || c.verb !== 'create') return;
    seen.pods.push(c.name);
    const spec = podSpecOf(obj);
    for (const v of spec ? restrictedV2Violations(spec) : ['no pod spec'])
      seen.refused.push(`${c.name}: ${v}`);
  });
  return seen;
}

describe('lifecycle: OpenShift (restricted-v2)', () => {
  const world = useLifecycle();

  it('create: Running on ConfigMaps, every pod admitted by restricted-v2, none with fixed ids', async () => {
    const s = world.scenario();
    const scc = admission(s);
    await s.given.cluster(OPENSHIFT);

    s.then.phase('Running');
    s.then.primary('orders-0');
    expect(s.sim.jobs.finished.map((j) => j.outcome)).toEqual(['Complete']);
    // Three members and the bootstrap Job's pod.
    expect(scc.pods.length).toBeGreaterThanOrEqual(4);
    expect(scc.refused).toEqual([]);
    expect(s.store.get({ kind: 'ConfigMap', namespace: 'shop', name: 'orders-leader' })).toBeDefined();
    expect(s.store.log.filter((c) => c.kind === 'Endpoints' && c.actor === 'patroni')).toEqual([]);
    s.then.noDataBearingObjectDeleted();
    await s.then.steadyState();
  });

  it('failover and a switchover Job, then delete: admitted throughout, nothing left behind', async () => {
    const s = world.scenario();
    const scc = admission(s);
    await s.given.cluster(OPENSHIFT);

    s.when.podDeleted(0);
    await s.settle();
    s.then.phase('Running');
    const promoted = s.then.status().primary;
    expect(promoted).not.toBe('orders-0');

    s.when.annotated({ 'pgmeta.io/switchover-to': 'orders-0' });
    await s.settle();
    s.then.primary('orders-0');

    s.when.clusterDeleted();
    await s.settle();
    expect(s.parent()).toBeUndefined();
    // Members, their replacement, the bootstrap, switchover and cleanup Jobs' pods.
    expect(scc.pods.filter((p) => p.includes('switchover')).length).toBeGreaterThan(0);
    expect(scc.pods.filter((p) => p.includes('cleanup')).length).toBeGreaterThan(0);
    expect(scc.refused).toEqual([]);
    expect(s.store.list('ConfigMap', 'shop')).toEqual([]);
    expect(s.store.list('Endpoints', 'shop')).toEqual([]);
    s.then.noDataBearingObjectDeleted({ afterClusterDeletion: true });
    s.then.noErrors();
  });
});
