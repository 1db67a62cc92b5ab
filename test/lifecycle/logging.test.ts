/**
 * Scenarios: spec.logging. A cluster from before the field keeps Spilo's CSV files and its members
 * (upgrading pgmeta restarts nothing); choosing the container output then rolls the members like any
 * template change, one at a time, replicas first.
 */
import type { KubeObject } from '../../hooks/lib/k8s';
import { ANNOTATIONS } from '../../hooks/postgrescluster/names';
import { useLifecycle, type Scenario } from './scenario';

const HA = { version: '16', replicas: 3, storage: { size: '10Gi' } };

function statefulSet(s: Scenario): KubeObject {
  const sts = s.store.get({ kind: 'StatefulSet', namespace: 'shop', name: 'orders' });
  if (!sts) throw new Error('no StatefulSet');
  return sts;
}

interface Container {
  name: string;
  env?: { name: string; value?: string }[];
}
const containersOf = (o: KubeObject, at: 'template' | 'pod'): Container[] => {
  const spec = at === 'pod' ? o['spec'] : (o['spec'] as { template: { spec: unknown } }).template.spec;
  return (spec as { containers: Container[] }).containers;
};

function localParameters(sts: KubeObject): Record<string, string> {
  const env = containersOf(sts, 'template')[0]?.env ?? [];
  const json = env.find((e) => e.name === 'SPILO_CONFIGURATION')?.value ?? '{}';
  return (JSON.parse(json) as { postgresql: { parameters: Record<string, string> } }).postgresql.parameters;
}

/**
 * What pgmeta before spec.logging left behind: its template had no logging setting (as files/csv,
 * which renders none) and its last valid spec no `logging`. Only the annotation is rewritten, so
 * the template, hence every pod, stays as it is.
 */
function asBeforeTheField(s: Scenario): void {
  const sts = statefulSet(s);
  const annotations = sts.metadata.annotations ?? {};
  const spec = JSON.parse(annotations[ANNOTATIONS.lastValidSpec] ?? '{}') as Record<string, unknown>;
  delete spec['logging'];
  const lastValid = JSON.stringify(spec);
  s.store.update(
    {
      ...sts,
      metadata: { ...sts.metadata, annotations: { ...annotations, [ANNOTATIONS.lastValidSpec]: lastValid } },
    },
    'old-pgmeta',
  );
  s.when.specEdited({ logging: null });
}

describe('lifecycle: logging', () => {
  const world = useLifecycle();

  it('a new cluster logs to the container output; one from before the field keeps its files and members', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);
    expect(localParameters(statefulSet(s))).toMatchObject({
      logging_collector: 'off',
      log_destination: 'stderr',
    });

    s.when.specEdited({ logging: { destination: 'files', format: 'csv' } });
    await s.settle();
    expect(s.then.podDeletions()).toHaveLength(3);

    asBeforeTheField(s);
    await s.settle();
    expect(s.then.podDeletions()).toEqual([]);
    const sts = statefulSet(s);
    expect(localParameters(sts)).not.toHaveProperty('log_destination');
    expect(localParameters(sts)).not.toHaveProperty('logging_collector');
    expect(sts.metadata.annotations?.[ANNOTATIONS.lastValidSpec]).not.toContain('logging');
    s.then.phase('Running');
    await s.then.steadyState();
  });

  it('choosing JSON on stdout rolls the members one at a time and adds the follower', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);

    s.when.specEdited({ logging: { destination: 'stdout', format: 'json' } });
    await s.settle();

    const deletions = s.then.podDeletions();
    expect(deletions.map((d) => d.role)).toEqual(['replica', 'replica', 'replica']);
    expect(s.then.fewestReadySinceEvent()).toBeGreaterThanOrEqual(2);
    const pods = s.store.list('Pod', 'shop').filter((p) => /^orders-\d$/.test(p.metadata.name));
    for (const pod of pods)
      expect(containersOf(pod, 'pod').map((c) => c.name)).toEqual(['postgres', 'postgres-log']);
    expect(localParameters(statefulSet(s))).toMatchObject({ log_destination: 'jsonlog' });
    s.then.phase('Running');
    s.then.noDataBearingObjectDeleted();
    await s.then.steadyState();
  });
});
