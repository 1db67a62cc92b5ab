/**
 * Scenarios: restore drills. The postgresrestoredrill controller runs next to the postgrescluster and
 * postgresbackup controllers; the temporary cluster it creates is run by the postgrescluster
 * controller like any other (Spilo's clone of the source's archive in the simulated Patroni), its
 * check Job's program by effects/drill.ts. Here: a drill that passes, a failing check, a restore that
 * never becomes ready (the Job's deadline), and the cleanup of the temporary cluster and its volumes.
 */
import type { KubeObject } from '../../hooks/lib/k8s';
import { archivingCluster } from './backup-world';
import { USER, useLifecycle, type Scenario } from './scenario';
import { loadCrds, printerRow } from './lib/crd';

const QUERY = 'SELECT count(*) FROM orders';

interface DrillStatusView {
  phase?: string;
  reason?: string;
  message?: string;
  drillCluster?: string;
  recoveryTimeSeconds?: number;
  dataLossWindowSeconds?: number;
  restoredUntil?: string;
  cleanedUp?: boolean;
}

function drillCreated(s: Scenario, name: string, spec: Record<string, unknown> = {}): void {
  s.markNow();
  s.trace(`when: PostgresRestoreDrill ${name} created`);
  s.store.create(
    {
      apiVersion: 'pgmeta.io/v1alpha1',
      kind: 'PostgresRestoreDrill',
      metadata: { name, namespace: s.namespace },
      spec: { clusterRef: { name: s.name }, ...spec },
    },
    USER,
  );
}

const drillOf = (s: Scenario, name: string): KubeObject | undefined =>
  s.store.get({ kind: 'PostgresRestoreDrill', namespace: s.namespace, name });
const statusOf = (s: Scenario, name: string): DrillStatusView => drillOf(s, name)?.['status'] ?? {};

/**
 * Objects of the temporary cluster still in the store: itself, its pods, claims, Secrets. The check
 * Job's pod is the drill's record (its termination message), kept with the Job, not the cluster's.
 */
function leftovers(s: Scenario, cluster: string): string[] {
  const kinds = ['PostgresCluster', 'StatefulSet', 'Pod', 'PersistentVolumeClaim', 'Secret', 'Service'];
  return kinds.flatMap((kind) =>
    s.store
      .list(kind, s.namespace)
      .filter((o) => o.metadata.name === cluster || o.metadata.labels?.['pgmeta.io/cluster'] === cluster)
      .filter((o) => o.metadata.labels?.['app.kubernetes.io/component'] !== 'restore-drill')
      .map((o) => `${kind}/${o.metadata.name}`),
  );
}

/** A running cluster with its archive and one base backup in it. */
async function sourceWithBackup(world: ReturnType<typeof useLifecycle>) {
  const { s, b } = await archivingCluster(world);
  b.when.requested('base');
  await s.settle();
  expect(b.then.status('base').phase).toBe('Succeeded');
  return s;
}

describe('lifecycle: PostgresRestoreDrill', () => {
  const world = useLifecycle();

  it('restores the newest backup into a cluster of its own, passes its checks, measures, and cleans up', async () => {
    const s = await sourceWithBackup(world);
    const archivesBefore = s.sim.backups.all().length;
    s.sim.queryResults.set(QUERY, '42');
    drillCreated(s, 'weekly', { checks: { query: QUERY, expect: '42' } });
    await s.settle();

    const st = statusOf(s, 'weekly');
    expect(st).toMatchObject({ phase: 'Succeeded', reason: 'Passed', cleanedUp: true });
    expect(st.drillCluster).toMatch(/^pgdrill-[0-9a-f]{10}$/);
    // Measured: recovery took at least the simulated restore; the restored point is the backup's end.
    expect(st.recoveryTimeSeconds).toBeGreaterThan(0);
    expect(st.dataLossWindowSeconds).toBeGreaterThanOrEqual(0);
    const newest = s.sim.backups
      .all()
      .at(-1)
      ?.backup.finish_time.replace(/\.\d+Z$/, 'Z');
    expect(st.restoredUntil).toBe(newest);
    // The temporary cluster ran under its own name, with the source's system identifier (no
    // CheckFailed), and is gone with its volumes; it never wrote into the source's archive.
    expect(leftovers(s, st.drillCluster ?? '')).toEqual([]);
    expect(s.sim.backups.all()).toHaveLength(archivesBefore);
    s.then.noDataBearingObjectDeleted();
    const crd = loadCrds().find((c) => c.kind === 'PostgresRestoreDrill');
    const row = printerRow(drillOf(s, 'weekly')!, crd?.printerColumns['v1alpha1'] ?? []);
    expect(row).toMatchObject({
      Cluster: s.name,
      Phase: 'Succeeded',
      'Recovery time': st.recoveryTimeSeconds,
    });
  });

  it('a failing check fails the drill (CheckFailed) and still deletes the temporary cluster', async () => {
    const s = await sourceWithBackup(world);
    s.sim.queryResults.set(QUERY, '41');
    drillCreated(s, 'weekly', { checks: { query: QUERY, expect: '42' } });
    await s.settle();

    const st = statusOf(s, 'weekly');
    expect(st).toMatchObject({ phase: 'Failed', reason: 'CheckFailed', cleanedUp: true });
    expect(st.message).toContain('the check query did not return the expected result');
    expect(st.recoveryTimeSeconds).toBeGreaterThan(0);
    expect(leftovers(s, st.drillCluster ?? '')).toEqual([]);
  });

  it('a restore that never becomes ready fails at the drill timeout (NeverReady), then cleans up', async () => {
    const s = await sourceWithBackup(world);
    // The restore would take two hours; the drill allows ten minutes.
    s.sim.patroni.bootstrap.seconds = 7200;
    drillCreated(s, 'weekly', { timeoutSeconds: 600 });
    await s.settle();

    const st = statusOf(s, 'weekly');
    expect(st).toMatchObject({ phase: 'Failed', reason: 'NeverReady', cleanedUp: true });
    expect(st.recoveryTimeSeconds).toBeUndefined();
    expect(leftovers(s, st.drillCluster ?? '')).toEqual([]);
  });

  it('deleting a running drill deletes the temporary cluster and its volumes', async () => {
    const s = await sourceWithBackup(world);
    s.sim.patroni.bootstrap.seconds = 7200;
    drillCreated(s, 'weekly');
    for (let i = 0; i < 20; i++) await s.step();
    const st = statusOf(s, 'weekly');
    expect(st.phase).toBe('Restoring');
    const cluster = st.drillCluster ?? '';
    expect(leftovers(s, cluster)).toContain(`PostgresCluster/${cluster}`);

    s.when.deleted('PostgresRestoreDrill', 'weekly');
    await s.settle();
    expect(drillOf(s, 'weekly')).toBeUndefined();
    expect(leftovers(s, cluster)).toEqual([]);
    // The source is untouched.
    s.then.phase('Running');
  });
});
