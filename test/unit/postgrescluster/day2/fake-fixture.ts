/**
 * The fake cluster as the Job-script tests use it: running members by role, and one FakeCluster per
 * test, stopped after it.
 */
import { afterEach } from '@jest/globals';
import { FakeCluster, type FakeMember, type FakeOptions } from './fake-cluster';

export function members(roles: FakeMember['role'][], revision = 'r1'): FakeMember[] {
  return roles.map((role, i) => ({
    name: `pg-${i}`,
    role,
    state: 'running',
    revision,
    uid: `uid-pg-${i}-0`,
    ready: true,
  }));
}

/** Registers the afterEach that stops it; returns `start`, which starts this test's fake. */
export function useFakeCluster(): (o: FakeOptions) => Promise<FakeCluster> {
  let fake: FakeCluster | undefined;
  afterEach(async () => {
    await fake?.stop();
    fake = undefined;
  });
  return async (o) => {
    fake = new FakeCluster(o);
    await fake.start();
    return fake;
  };
}
