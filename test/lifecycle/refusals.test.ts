/**
 * Scenarios: what pgmeta refuses, and what it does when it cannot answer. An invalid spec (here one
 * the CRD's CEL rules would refuse too, which the emulated API server does not evaluate, so the hook's
 * own check is what is tested) changes no child; a hook that answers 500 changes nothing at all.
 */
import { useLifecycle } from './scenario';

const HA = { version: '16', replicas: 3, storage: { size: '10Gi' } };

describe('lifecycle: refusals', () => {
  const world = useLifecycle();

  it('a major version downgrade is refused in status and changes nothing', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);
    const before = s.then.snapshot({ childrenOnly: true });

    s.when.specEdited({ version: '15', replicas: 5 });
    await s.settle();

    const specValid = s.then.condition('SpecValid', { status: 'False', reason: 'InvalidSpec' });
    expect(specValid.message).toMatch(/spec\.version: cannot downgrade/);
    s.then.unchangedSince(before);
    s.then.phase('Running');
    expect(s.then.status().observedGeneration).toBe(2);
    await s.then.steadyState();

    s.when.specEdited({ version: '16', replicas: 3 });
    await s.settle();
    s.then.condition('SpecValid', { status: 'True' });
    s.then.unchangedSince(before);
    s.then.noDataBearingObjectDeleted();
  });

  it('a storage shrink is refused and no claim is touched', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);
    const before = s.then.snapshot({ childrenOnly: true });
    const claims = s.store.list('PersistentVolumeClaim', 'shop').map((p) => p.metadata.resourceVersion);

    s.when.specEdited({ storage: { size: '5Gi' } });
    await s.settle();

    expect(s.then.condition('SpecValid', { status: 'False' }).message).toMatch(/spec\.storage\.size/);
    s.then.unchangedSince(before);
    expect(s.store.list('PersistentVolumeClaim', 'shop').map((p) => p.metadata.resourceVersion)).toEqual(
      claims,
    );
    await s.then.steadyState();
  });

  it('while the hook answers 500, nothing changes; once it answers again the edit is applied', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);
    const before = s.then.snapshot();

    s.when.hookFails(4);
    s.when.specEdited({ replicas: 4 });
    for (let i = 0; i < 4; i++) await s.step();

    s.then.unchangedSince(before);
    expect(s.mc.errors).toHaveLength(4);
    s.mc.errors.length = 0;
    await s.settle();
    s.then.phase('Running');
    expect(s.then.podNames()).toHaveLength(4);
    s.then.noDataBearingObjectDeleted();
    await s.then.steadyState();
  });
});
