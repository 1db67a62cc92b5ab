/**
 * `ignoreStatusChanges` per controller (issue 13): with it, a status write of the PostgresCluster no
 * longer syncs that controller (Metacontroller v4.17.2, composite and decorator `updateParentObject`).
 * That is safe only for a controller whose hook does not read the cluster's status: each decision
 * below is checked against what the hook does with two parents that differ only in their status.
 */
import { join } from 'node:path';
import { CONTROLLERS } from '../../../hooks/controllers';
import type { KubeObject } from '../../../hooks/lib/k8s';
import { runHook } from '../../../hooks/metacontroller/dispatch';
import { CTX, parentFrom } from '../../support/cluster-world';
import { type Obj, parseFile, ROOT, yamlFiles } from './manifests-read';

const controllers: Obj[] = [join(ROOT, 'composite-controllers'), join(ROOT, 'manifests')]
  .flatMap(yamlFiles)
  .flatMap(parseFile)
  .filter((o) => o['kind'] === 'CompositeController' || o['kind'] === 'DecoratorController');

/** The flag on the rule that watches PostgresClusters. */
function ignoresClusterStatus(name: string): boolean | undefined {
  const c = controllers.find((o) => o['metadata'].name === name)!;
  const rules = (
    c['kind'] === 'CompositeController' ? [c['spec'].parentResource] : c['spec'].resources
  ) as Obj[];
  return rules.find((r) => r['resource'] === 'postgresclusters')?.['ignoreStatusChanges'] as
    boolean | undefined;
}

describe('ignoreStatusChanges, controller by controller', () => {
  it.each([
    ['postgrescluster', true],
    ['postgrescluster-cert-manager', true],
    ['postgrescluster-prometheus', true],
    ['postgrescluster-keda', false],
  ])('%s: %s', (name, expected) => {
    expect(ignoresClusterStatus(name)).toBe(expected);
  });

  it.each(['postgresbackup', 'postgresdatabase', 'postgresrestoredrill'])(
    '%s leaves it unset (its status is its memory)',
    (name) => {
      const c = controllers.find((o) => o['metadata'].name === name)!;
      expect(c['spec'].parentResource.ignoreStatusChanges).toBeUndefined();
    },
  );

  // Two clusters that differ only in status: one calm, one with a replica far behind.
  const spec = {
    version: '16',
    replicas: 3,
    storage: { size: '10Gi' },
    tls: { issuerRef: { name: 'ca' } },
    metrics: { enabled: true },
    scaling: { enabled: true, minReplicas: 2, maxReplicas: 6 },
  };
  const calm = parentFrom(spec, { status: { members: [{ name: 'orders-1', lagBytes: 0 }] } });
  const behind = parentFrom(spec, { status: { members: [{ name: 'orders-1', lagBytes: 1_073_741_824 }] } });

  const decorate = (name: string, object: KubeObject): unknown => {
    const def = CONTROLLERS.find((c) => c.name === name)!;
    const body = { controller: {}, object, attachments: {}, related: {}, finalizing: false };
    return runHook({ def, hook: 'sync', body, ctx: CTX });
  };

  it.each(['postgrescluster-cert-manager', 'postgrescluster-prometheus', 'postgrescluster-keda'])(
    '%s answers differently for a different status only if it does not ignore status changes',
    (name) => {
      // The spec enables what each decorator renders, so the comparison is of real attachments.
      expect((decorate(name, calm) as { attachments: unknown[] }).attachments.length).toBeGreaterThan(0);
      const differs = JSON.stringify(decorate(name, calm)) !== JSON.stringify(decorate(name, behind));
      expect(differs).toBe(ignoresClusterStatus(name) === false);
    },
  );
});
