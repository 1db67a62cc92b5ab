/**
 * Scenario: the optional components' DecoratorControllers (cert-manager, prometheus, keda) in the
 * emulator (metacontroller/decorator-loop.ts, after Metacontroller v4.17.2
 * pkg/controller/decorator/controller.go): attachments created with the parent's controller
 * reference and the decorator's annotation, updated in place, removed with the parent; a decorator
 * answer without status leaves the cluster's status as the composite controller wrote it.
 */
import type { KubeObject } from '../../hooks/lib/k8s';
import { DECORATOR_ANNOTATION } from './metacontroller/decorator-loop';
import { useLifecycle } from './scenario';

const CLUSTER = { version: '16', replicas: 3, storage: { size: '10Gi' } };
const ISSUER = { name: 'pgmeta-ca', kind: 'ClusterIssuer' };

describe('lifecycle: DecoratorControllers of the optional components', () => {
  const world = useLifecycle();

  function controllerOf(o: KubeObject) {
    return (o.metadata.ownerReferences ?? []).filter((r) => r.controller === true);
  }

  it('cert-manager: a Certificate owned by the cluster, updated in place, status untouched', async () => {
    const s = world.scenario({ components: ['cert-manager'] });
    // What cert-manager writes once it has issued the Certificate (no cert-manager is simulated).
    s.given.secret('orders-tls', { 'tls.crt': 'crt', 'tls.key': 'key', 'ca.crt': 'ca' });
    await s.given.cluster({ ...CLUSTER, tls: { issuerRef: ISSUER } });
    const cluster = s.store.get(s.parentRef)!;
    const [cert] = s.store.list('Certificate', 'shop');
    expect(cert?.metadata.name).toBe('orders-tls');
    expect(cert?.metadata.annotations?.[DECORATOR_ANNOTATION]).toBe('postgrescluster-cert-manager');
    expect(controllerOf(cert!)).toEqual([
      expect.objectContaining({
        kind: 'PostgresCluster',
        uid: cluster.metadata.uid,
        blockOwnerDeletion: true,
      }),
    ]);
    // The decorator answers no status: the composite controller's status stands.
    s.then.phase('Running');
    const decorator = s.mc.decorators[0]!;
    expect(decorator.records.length).toBeGreaterThan(0);
    expect(decorator.records.every((r) => !r.statusWritten && r.error === undefined)).toBe(true);

    s.when.specEdited({ tls: { issuerRef: { name: 'other-ca', kind: 'ClusterIssuer' } } });
    await s.settle();
    const updated = s.store.get({ kind: 'Certificate', namespace: 'shop', name: 'orders-tls' })!;
    expect((updated['spec'] as { issuerRef?: unknown }).issuerRef).toEqual(
      expect.objectContaining({ name: 'other-ca' }),
    );
    expect(updated.metadata.uid).toBe(cert?.metadata.uid);
    s.then.phase('Running');
  });

  it('cert-manager: no issuer, no Certificate; removing the issuer deletes it', async () => {
    const s = world.scenario({ components: ['cert-manager'] });
    await s.given.cluster(CLUSTER);
    expect(s.store.list('Certificate', 'shop')).toEqual([]);
    s.when.specEdited({ tls: { issuerRef: ISSUER } });
    await s.settle();
    expect(s.store.list('Certificate', 'shop').map((c) => c.metadata.name)).toEqual(['orders-tls']);
    s.when.specEdited({ tls: null });
    await s.settle();
    expect(s.store.list('Certificate', 'shop')).toEqual([]);
  });
});
