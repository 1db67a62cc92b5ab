/**
 * Scenario (issue 17, part 5): rotating a credential is one edit of `spec.credentialRotation`.
 * The rotation Job sets the password and rewrites the Secret (every key); the members, whose
 * containers hold the superuser, replication and monitoring passwords in their environment, then
 * restart one at a time through the rollout: replicas first, a switchover, the former primary last,
 * never more than one member down. The application owner's rotation restarts nothing.
 */
import type { KubeObject } from '../../hooks/lib/k8s';
import { rotatedPassword } from '../../hooks/postgrescluster/children/secrets';
import { GENERATION_ANNOTATION } from '../../hooks/postgrescluster/rotation/generations';
import { decodedData } from '../support/fake-secrets-api';
import { useLifecycle } from './scenario';

/** The operator key the lifecycle's hook service runs with (lib/hook-server.ts). */
const LIFECYCLE_KEY = new Uint8Array(32).fill(42);

const HA = { version: '16', replicas: 3, storage: { size: '10Gi' } };

interface Store {
  get(ref: { kind: string; namespace: string; name: string }): KubeObject | undefined;
}

function secretOf(store: Store, name: string) {
  return store.get({ kind: 'Secret', namespace: 'shop', name });
}

describe('lifecycle: credential rotation', () => {
  const world = useLifecycle();

  it('the application owner: new password and uri in the Secret, no member restarted', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);
    const before = decodedData(secretOf(s.store, 'orders-app'));

    s.when.specEdited({ credentialRotation: { app: 1 } });
    await s.settle();

    const app = secretOf(s.store, 'orders-app')!;
    const data = decodedData(app);
    const uid = s.parent()!.metadata.uid!;
    const expected = rotatedPassword(LIFECYCLE_KEY, uid, { purpose: 'app', generation: 1 });
    expect(data['password']).toBe(expected);
    expect(data['password']).not.toBe(before['password']);
    expect(data['uri']).toContain(encodeURIComponent(expected));
    expect(data['jdbc-uri']).toContain(`password=${encodeURIComponent(expected)}`);
    expect(app.metadata.annotations?.[GENERATION_ANNOTATION]).toBe('1');
    expect(s.then.podDeletions()).toEqual([]);
    expect(s.then.patroniEvents('switchover')).toEqual([]);
    expect(s.then.status()['credentialRotation']).toEqual({
      app: { requested: 1, applied: 1, phase: 'Succeeded', message: 'the Secret holds it' },
    });
    s.then.phase('Running');
    s.then.noDataBearingObjectDeleted();
    await s.then.steadyState();
  });

  it.each([['replication'], ['superuser']])(
    'the %s user: Secret first, then every member restarts one at a time, the primary after a switchover',
    async (purpose) => {
      const s = world.scenario();
      await s.given.cluster(HA);

      s.when.specEdited({ credentialRotation: { [purpose]: 1 } });
      const rewritten = () =>
        secretOf(s.store, `orders-${purpose}`)?.metadata.annotations?.[GENERATION_ANNOTATION] === '1';
      for (let i = 0; i < 60 && !rewritten(); i++) await s.step();
      expect(rewritten()).toBe(true);
      // No member restarted before the Secret held the new password.
      expect(s.then.podDeletions()).toEqual([]);
      const written = s.clock.now;
      await s.settle();

      const secret = secretOf(s.store, `orders-${purpose}`)!;
      const uid = s.parent()!.metadata.uid!;
      expect(decodedData(secret)['password']).toBe(
        rotatedPassword(LIFECYCLE_KEY, uid, { purpose: purpose as 'superuser', generation: 1 }),
      );
      const deletions = s.then.podDeletions();
      expect(deletions.map((d) => d.role)).toEqual(['replica', 'replica', 'replica']);
      expect(deletions.map((d) => d.name)).toEqual(['orders-1', 'orders-2', 'orders-0']);
      expect(s.then.patroniEvents('switchover').map((e) => e.detail)).toEqual(['orders-0']);
      expect(s.then.patroniEvents('failover')).toEqual([]);
      expect(s.then.fewestReadySinceEvent()).toBeGreaterThanOrEqual(2);
      // Each member's pod was created after the Secret held the new password: its env has it.
      for (const pod of s.store.list('Pod', 'shop').filter((p) => /^orders-\d$/.test(p.metadata.name)))
        expect((pod.metadata.creationTimestamp ?? '') >= s.clock.iso(written)).toBe(true);
      expect(s.then.status()['credentialRotation']).toEqual({
        [purpose]: { requested: 1, applied: 1, phase: 'Succeeded', message: 'every member runs with it' },
      });
      s.then.phase('Running');
      s.then.noDataBearingObjectDeleted();
      await s.then.steadyState();
    },
  );

  it('the monitoring role: the exporter sidecars restart with the members; the pooler role: no member restarts', async () => {
    const s = world.scenario();
    const spec = { ...HA, metrics: { enabled: true }, pgbouncer: { enabled: true } };
    await s.given.cluster(spec);

    s.when.specEdited({ credentialRotation: { monitoring: 1 } });
    await s.settle();
    const uid = s.parent()!.metadata.uid!;
    expect(decodedData(secretOf(s.store, 'orders-monitoring'))['password']).toBe(
      rotatedPassword(LIFECYCLE_KEY, uid, { purpose: 'monitoring', generation: 1 }),
    );
    expect(s.then.podDeletions().map((d) => d.name)).toEqual(['orders-1', 'orders-2', 'orders-0']);
    expect(s.then.patroniEvents('failover')).toEqual([]);

    s.when.specEdited({ credentialRotation: { monitoring: 1, pooler: 1 } });
    await s.settle();
    const pooler = decodedData(secretOf(s.store, 'orders-pooler'));
    const pw = rotatedPassword(LIFECYCLE_KEY, uid, { purpose: 'pooler', generation: 1 });
    expect(pooler['password']).toBe(pw);
    expect(pooler['userlist.txt']).toContain(pw);
    expect(s.then.podDeletions()).toEqual([]); // since the last edit
    const deployments = s.store.list('Deployment', 'shop');
    expect(deployments.length).toBeGreaterThan(0);
    for (const d of deployments) {
      const t = (d['spec'] as { template: { metadata: { annotations?: Record<string, string> } } }).template;
      expect(t.metadata.annotations?.[GENERATION_ANNOTATION]).toBe('1');
    }
    expect(s.then.status()['credentialRotation']).toMatchObject({
      monitoring: { phase: 'Succeeded', applied: 1 },
      pooler: { phase: 'Succeeded', applied: 1 },
    });
    s.then.phase('Running');
    s.then.noDataBearingObjectDeleted();
    await s.then.steadyState();
  });

  it('a failed rotation Job says so in status and changes no Secret; deleting it retries', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);
    const before = decodedData(secretOf(s.store, 'orders-app'));

    s.when.jobFails('orders-rotate-', 'simulated: primary unreachable');
    s.when.specEdited({ credentialRotation: { app: 1 } });
    await s.settle();
    expect(decodedData(secretOf(s.store, 'orders-app'))).toEqual(before);
    expect(s.then.status()['credentialRotation']).toMatchObject({ app: { phase: 'Failed', applied: 0 } });

    const job = s.store.list('Job', 'shop').find((j) => j.metadata.name.startsWith('orders-rotate-'))!;
    s.when.deleted('Job', job.metadata.name);
    await s.settle();
    expect(s.then.status()['credentialRotation']).toMatchObject({ app: { phase: 'Succeeded', applied: 1 } });
    await s.then.steadyState();
  });
});
