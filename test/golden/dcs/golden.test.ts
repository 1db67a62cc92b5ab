/**
 * Whole-sync goldens of the ConfigMaps DCS and the OpenShift profile: each case's request.yaml through
 * the real hook must give exactly response.yaml (`UPDATE_GOLDEN=1 npx jest test/golden` rewrites them).
 */
import type { KubeObject } from '../../../hooks/lib/k8s';
import { describeGoldens } from '../../support/golden';
import { clusterHook, request, sync } from '../../support/cluster-world';
import { CASES } from './cases';

describeGoldens({ dir: __dirname, cases: CASES, request, answer: clusterHook });

const byKind = (children: KubeObject[], kind: string, name: string) =>
  children.find((c) => c.kind === kind && c.metadata.name === name);

describe('ConfigMaps DCS', () => {
  it('selects the leader-labelled pod in the primary Service and grants Patroni no Endpoints', () => {
    const { children } = sync(CASES['configmaps-fresh-create']!());
    const primary = byKind(children, 'Service', 'orders') as { spec?: { selector?: unknown } };
    expect(primary.spec?.selector).toEqual({
      'app.kubernetes.io/component': 'database',
      'pgmeta.io/cluster': 'orders',
      'spilo-role': 'master',
    });
    const role = byKind(children, 'Role', 'orders-patroni') as unknown as {
      rules: { resources: string[] }[];
    };
    const resources = role.rules.flatMap((r) => r.resources);
    expect(resources).toContain('configmaps');
    expect(resources).not.toContain('endpoints');
    expect(resources).not.toContain('services');
  });

  it('reports the leader the ConfigMap names', () => {
    const { status } = sync(CASES['configmaps-primary-lost-promoted']!());
    expect(status['primary']).toBe('orders-1');
  });

  it('keeps a cluster from before the field on Endpoints: only the recorded spec changes', () => {
    const world = CASES['legacy-keeps-endpoints']!();
    const { children } = sync(world);
    const strip = (objs: KubeObject[]) =>
      objs
        .filter((c) => c.kind !== 'StatefulSet')
        .map((c) => `${c.kind}/${c.metadata.name}`)
        .sort();
    // Every child stays (the bootstrap Job joins, as it does once any cluster has bootstrapped).
    expect(strip(children)).toEqual(expect.arrayContaining(strip(world.children)));
    const role = byKind(children, 'Role', 'orders-patroni') as unknown as {
      rules: { resources: string[] }[];
    };
    expect(role.rules.flatMap((r) => r.resources)).toContain('endpoints');
    const recorded = byKind(children, 'StatefulSet', 'orders')!.metadata.annotations![
      'pgmeta.io/last-valid-spec'
    ]!;
    expect(JSON.parse(recorded)).toMatchObject({ patroni: { dcs: 'endpoints' } });
    const primary = byKind(children, 'Service', 'orders') as { spec?: { selector?: unknown } };
    expect(primary.spec?.selector).toBeUndefined();
  });

  it('refuses a DCS change with the field path and keeps every child', () => {
    const world = CASES['legacy-dcs-change-refused']!();
    const refused = sync(world);
    const errors = (refused.status['conditions'] as { type: string; status: string; message: string }[]).find(
      (c) => c.type === 'SpecValid',
    );
    expect(errors?.status).toBe('False');
    expect(errors?.message).toContain('spec.patroni.dcs');
    const primary = byKind(refused.children, 'Service', 'orders') as { spec?: { selector?: unknown } };
    expect(primary.spec?.selector).toBeUndefined();
  });
});
