/**
 * Every mutating command makes the object change pgmeta's API defines (read back from the store,
 * with the CLI as the writer) and, through the emulated Metacontroller, hooks and simulated cluster,
 * the outcome it reports with `--wait`.
 */
import { useLifecycle } from '../lifecycle/scenario';
import { Backups, MINIO_BACKUP } from '../lifecycle/backups';
import { decodedData } from '../support/fake-secrets-api';
import { CliRig, ensureBuilt } from './harness';

const HA = { version: '16', replicas: 3, storage: { size: '10Gi' } };

/** The paths the CLI changed on the cluster, from the store's change log. */
function cliChanges(rig: CliRig, kind = 'PostgresCluster'): string[] {
  return rig.s.store.log
    .filter((c) => c.actor === 'kubectl-pgmeta' && c.kind === kind)
    .flatMap((c) => c.paths ?? [`${c.verb} ${c.name}`])
    .filter((p) => p !== 'metadata.generation');
}

describe('pgmeta mutating commands', () => {
  const world = useLifecycle();
  beforeAll(() => {
    ensureBuilt();
  }, 180_000);

  it('switchover --to --wait moves the primary; a second one withdraws the first request', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);
    const rig = await CliRig.start(s);
    try {
      const first = await rig.run(['switchover', 'orders', '--to', 'orders-1', '--wait', '--timeout', '60s']);
      expect(first.code).toBe(0);
      expect(first.stdout).toContain('switchover succeeded: the primary is orders-1');
      expect(s.parent()?.metadata.annotations?.['pgmeta.io/switchover-to']).toBe('orders-1');
      expect(s.then.status().primary).toBe('orders-1');
      expect(cliChanges(rig)).toEqual(['metadata.annotations']);

      const second = await rig.run([
        'switchover',
        'orders',
        '--to',
        'orders-0',
        '--wait',
        '--timeout',
        '60s',
      ]);
      expect(second.code).toBe(0);
      expect(second.stderr).toContain('earlier switchover request was withdrawn');
      expect(s.then.status().primary).toBe('orders-0');

      const wrong = await rig.run(['switchover', 'orders', '--to', 'orders-9'], { step: false });
      expect([wrong.code, wrong.stderr]).toEqual([
        1,
        'error: no member "orders-9" in orders (members: orders-0, orders-1, orders-2)\n',
      ]);
    } finally {
      await rig.stop();
    }
  }, 120_000);

  it('pause/resume and stop/start set and remove the spec fields and wait for their effect', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);
    const rig = await CliRig.start(s);
    try {
      const pause = await rig.run(['pause', 'orders', '--wait']);
      expect([pause.code, pause.stdout]).toEqual([
        0,
        'orders: spec.paused set to true\norders is paused: its children stay as they are\n',
      ]);
      expect((s.parent()?.['spec'] as { paused?: boolean }).paused).toBe(true);
      s.then.condition('Paused', { status: 'True' });
      const resume = await rig.run(['resume', 'orders', '--wait']);
      expect(resume.code).toBe(0);
      expect((s.parent()?.['spec'] as { paused?: boolean }).paused).toBeUndefined();

      const stop = await rig.run(['stop', 'orders', '--wait', '--timeout', '120s']);
      expect([stop.code, stop.stdout]).toEqual([
        0,
        'orders: spec.stopped set to true\norders is stopped: no member runs, volumes kept\n',
      ]);
      s.then.phase('Stopped');
      expect(s.then.podNames()).toEqual([]);
      const start = await rig.run(['start', 'orders', '--wait', '--timeout', '120s']);
      expect([start.code, start.stdout]).toEqual([0, 'orders: spec.stopped removed\norders is running\n']);
      expect(s.then.podNames()).toHaveLength(3);
      expect(cliChanges(rig)).toEqual(['spec.paused', 'spec.paused', 'spec.stopped', 'spec.stopped']);
    } finally {
      await rig.stop();
    }
  }, 120_000);

  it('backup --wait creates a PostgresBackup and reports the base backup', async () => {
    const s = world.scenario();
    const b = new Backups(s);
    b.given.storeCredentials();
    await s.given.cluster({ ...HA, backup: MINIO_BACKUP });
    const rig = await CliRig.start(s);
    try {
      const res = await rig.run([
        'backup',
        'orders',
        '--name',
        'before-upgrade',
        '--wait',
        '--timeout',
        '120s',
      ]);
      expect(res.code).toBe(0);
      expect(res.stdout).toMatch(
        /^postgresbackup\/before-upgrade created for orders\nbackup before-upgrade succeeded: base_[0-9A-F]{24} at \S+Z\n$/,
      );
      const obj = s.store.get({ kind: 'PostgresBackup', namespace: 'shop', name: 'before-upgrade' });
      expect(obj?.['spec']).toEqual({ clusterRef: { name: 'orders' } });
      // Labelled, so the cluster selects it and names it as its last on-demand backup.
      expect(obj?.metadata.labels).toEqual({ 'pgmeta.io/cluster': 'orders' });
      expect(b.then.status('before-upgrade').phase).toBe('Succeeded');
      expect(cliChanges(rig, 'PostgresBackup')).toEqual(['create before-upgrade']);
    } finally {
      await rig.stop();
    }
  }, 120_000);

  it('backup refuses a cluster without spec.backup; restart writes pgmeta.io/restartedAt', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);
    const rig = await CliRig.start(s);
    try {
      const backup = await rig.run(['backup', 'orders'], { step: false });
      expect(backup.code).toBe(1);
      expect(backup.stderr).toContain('orders has no spec.backup');
      expect(s.store.list('PostgresBackup')).toEqual([]);

      const restart = await rig.run(['restart', 'orders', '--wait', '--timeout', '60s']);
      expect(restart.code).toBe(0);
      expect(s.parent()?.metadata.annotations?.['pgmeta.io/restartedAt']).toMatch(
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
      );
      expect(restart.stdout).toContain('orders is running, 3 members ready');
      const member = await rig.run(['restart', 'orders', '--member', 'orders-1'], { step: false });
      expect(member.code).toBe(2);
    } finally {
      await rig.stop();
    }
  }, 120_000);

  it('rotate raises spec.credentialRotation.<user> by one; with --wait the app password changes', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);
    const rig = await CliRig.start(s);
    const appSecret = () => s.store.get({ kind: 'Secret', namespace: 'shop', name: 'orders-app' });
    const rotation = () => (s.parent()?.['spec'] as { credentialRotation?: object }).credentialRotation;
    try {
      const bogus = await rig.run(['rotate', 'orders', '--user', 'root'], { step: false });
      expect([bogus.code, bogus.stderr.split('\n')[0]]).toEqual([
        2,
        'pgmeta rotate: --user "root" is not one of app, superuser, replication, pooler, monitoring',
      ]);
      expect((await rig.run(['rotate', 'orders'], { step: false })).code).toBe(2);
      expect(rotation()).toBeUndefined();

      const before = decodedData(appSecret())['password'];
      const first = await rig.run(['rotate', 'orders', '--user', 'app'], { step: false });
      expect([first.code, first.stdout]).toEqual([
        0,
        'rotation of the app credential of orders requested (spec.credentialRotation.app: 1)\n',
      ]);
      expect(rotation()).toEqual({ app: 1 });
      const res = await rig.run(['rotate', 'orders', '--user', 'app', '--wait', '--timeout', '60s']);
      expect(res.code).toBe(0);
      expect(res.stdout).toBe(
        'rotation of the app credential of orders requested (spec.credentialRotation.app: 2)\n' +
          'app credential of orders rotated (generation 2): the Secret holds it\n',
      );
      expect(rotation()).toEqual({ app: 2 });
      const after = decodedData(appSecret())['password'];
      expect(after).toBeTruthy();
      expect(after).not.toBe(before);
      expect(s.then.status()['credentialRotation']).toEqual({
        app: { requested: 2, applied: 2, phase: 'Succeeded', message: 'the Secret holds it' },
      });
      // The CLI's only writes: the two merge patches of the spec (no Secret, no Job, no status).
      expect(cliChanges(rig)).toEqual(['spec.credentialRotation', 'spec.credentialRotation.app']);
      expect(
        rig.s.store.log.filter((c) => c.actor === 'kubectl-pgmeta' && c.kind !== 'PostgresCluster'),
      ).toEqual([]);
    } finally {
      await rig.stop();
    }
  }, 120_000);

  it('rotate --wait exits 1 with the status message when the rotation Job fails', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);
    s.when.jobFails('orders-rotate-', 'simulated: primary unreachable');
    const rig = await CliRig.start(s);
    try {
      const res = await rig.run(['rotate', 'orders', '--user', 'app', '--wait', '--timeout', '60s']);
      expect(res.code).toBe(1);
      expect(res.stderr).toMatch(
        /\nrotation of app failed: job orders-rotate-\S+ failed: .*simulated: primary unreachable.*\(delete the Job to retry\)\n$/,
      );
    } finally {
      await rig.stop();
    }
  }, 120_000);

  it('--wait gives up after --timeout with the last state seen; errors are one line', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);
    const rig = await CliRig.start(s);
    try {
      // The scenario does not step: nothing syncs the change, so the wait must time out.
      const res = await rig.run(['stop', 'orders', '--wait', '--timeout', '2s'], { step: false });
      expect(res.code).toBe(1);
      expect(res.stderr).toMatch(
        /^phase Running, 3 ready\nerror: timed out after 2s waiting for orders to be stopped \(last seen: phase Running, 3 ready\)\n$/,
      );
      const missing = await rig.run(['status', 'nope'], { step: false });
      expect([missing.code, missing.stderr]).toEqual([
        1,
        'error: PostgresCluster "nope" not found in namespace "shop"\n',
      ]);
      const usage = await rig.run(['status'], { step: false });
      expect(usage.code).toBe(2);
    } finally {
      await rig.stop();
    }
    const down = await rig.run(['status', 'orders'], { step: false });
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(
      /^error: cannot reach the API server at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/,
    );
  }, 120_000);
});
