/**
 * `pgmeta status` against clusters held in each phase, text and JSON compared with goldens
 * (`UPDATE_GOLDEN=1 npx jest test/cli` rewrites them: read the diff).
 */
import { useLifecycle } from '../lifecycle/scenario';
import { Backups, MINIO_BACKUP } from '../lifecycle/backups';
import { CliRig, ensureBuilt, expectGolden } from './harness';

const HA = { version: '16', replicas: 3, storage: { size: '10Gi' } };

describe('pgmeta status', () => {
  const world = useLifecycle();
  beforeAll(() => {
    ensureBuilt();
  }, 180_000);

  async function snapshot(rig: CliRig, phase: string): Promise<void> {
    const text = await rig.run(['status', 'orders'], { step: false });
    expect([text.code, text.stderr]).toEqual([0, '']);
    expectGolden(`status-${phase}.txt`, text.stdout);
    const json = await rig.run(['status', 'orders', '-o', 'json'], { step: false });
    expect(json.code).toBe(0);
    expectGolden(`status-${phase}.json`, json.stdout);
  }

  it('healthy, degraded, invalid spec, paused, stopped', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);
    const rig = await CliRig.start(s);
    try {
      await snapshot(rig, 'healthy');
      s.when.podKilled(2);
      await s.step();
      await s.step();
      await snapshot(rig, 'degraded');
      await s.settle();
      s.when.specEdited({ version: '15' });
      await s.settle();
      await snapshot(rig, 'invalid-spec');
      s.when.specEdited({ version: '16', paused: true });
      await s.settle();
      await snapshot(rig, 'paused');
      s.when.specEdited({ paused: null, stopped: true });
      await s.settle();
      await snapshot(rig, 'stopped');
    } finally {
      await rig.stop();
    }
  }, 120_000);

  it('switching over and backing up', async () => {
    const s = world.scenario();
    const b = new Backups(s);
    b.given.storeCredentials();
    await s.given.cluster({ ...HA, backup: MINIO_BACKUP });
    const rig = await CliRig.start(s);
    try {
      s.when.annotated({ 'pgmeta.io/switchover-to': 'orders-1' });
      for (
        let i = 0;
        i < 20 && (s.then.status() as { switchover?: { phase: string } }).switchover?.phase !== 'Running';
        i++
      )
        await s.step();
      await snapshot(rig, 'switching-over');
      await s.settle();
      b.when.requested('nightly');
      for (let i = 0; i < 20 && b.then.status('nightly').phase !== 'Running'; i++) await s.step();
      await snapshot(rig, 'backing-up');
    } finally {
      await rig.stop();
    }
  }, 120_000);
});
