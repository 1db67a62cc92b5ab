/**
 * The day-2 Jobs' Python programs, run with python3 exactly as the Jobs run them (`python3 -c`),
 * against a fake Patroni and Kubernetes API (fake-cluster.ts): the calls they make, in which order,
 * and that they never take a second member down while one is down.
 */
import { describe, expect, it } from '@jest/globals';
import { CLEANUP_SCRIPT } from '../../../../hooks/postgrescluster/day2/cleanup';
import { PARAMS_SCRIPT } from '../../../../hooks/postgrescluster/day2/params-script';
import { RESIZE_SCRIPT } from '../../../../hooks/postgrescluster/day2/resize-script';
import { ROLLOUT_SCRIPT } from '../../../../hooks/postgrescluster/day2/rollout-script';
import type { FakeCluster } from './fake-cluster';
import { members as membersAt, useFakeCluster } from './fake-fixture';
import { runScript, serviceAccountDir } from './run-script';

const OLD = 'pg-5d8f7c9b6d';
const NEW = 'pg-7c6b5a4d3e';

const members = (roles: Parameters<typeof membersAt>[0]) => membersAt(roles, OLD);
const start = useFakeCluster();

describe('parameter Job', () => {
  const patch = { postgresql: { parameters: { max_connections: '300', max_wal_senders: null } } };

  it('PATCHes /config, then restarts replicas before the synchronous standby and the leader, one at a time', async () => {
    const f = await start({ members: members(['leader', 'sync_standby', 'replica']) });
    const run = await runScript(PARAMS_SCRIPT, {
      PATRONI_URL: f.url,
      DCS_PATCH: JSON.stringify(patch),
      LOOP_WAIT: '0.1',
    });
    expect(run.code).toBe(0);
    expect(f.events).toEqual([
      `PATCH /config ${JSON.stringify(patch)}`,
      'restart pg-2',
      'restart pg-1',
      'restart pg-0',
    ]);
    expect(f.violations).toEqual([]);
    expect(f.members.every((m) => !m.pendingRestart && m.state === 'running')).toBe(true);
  });

  it('restarts nothing when no member is pending (a re-run after success)', async () => {
    const f = await start({ members: members(['leader', 'replica']), patchNeedsRestart: false });
    const run = await runScript(PARAMS_SCRIPT, {
      PATRONI_URL: f.url,
      DCS_PATCH: JSON.stringify(patch),
      LOOP_WAIT: '0.1',
    });
    expect(run.code).toBe(0);
    expect(f.events).toEqual([`PATCH /config ${JSON.stringify(patch)}`]);
  });

  it('waits while a member is down before restarting another, then restarts it too', async () => {
    const all = members(['leader', 'replica', 'replica']);
    all[2] = { ...all[2]!, state: 'starting', ready: false };
    const f = await start({ members: all, downPolls: 10 });
    const run = await runScript(PARAMS_SCRIPT, {
      PATRONI_URL: f.url,
      DCS_PATCH: JSON.stringify(patch),
      LOOP_WAIT: '0.1',
    });
    expect(run.code).toBe(0);
    expect(f.violations).toEqual([]);
    // pg-2 was down when the plan was made: a second round restarts it once it is back.
    expect(f.events.slice(1)).toEqual(['restart pg-1', 'restart pg-0', 'restart pg-2']);
  });

  it('fails (for the Job to report) when Patroni refuses the restart', async () => {
    const f = await start({
      members: members(['leader', 'replica']),
      failWith: { 'POST /m/pg-1/restart': 500 },
    });
    const run = await runScript(PARAMS_SCRIPT, {
      PATRONI_URL: f.url,
      DCS_PATCH: JSON.stringify(patch),
      LOOP_WAIT: '0.1',
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('FAILED: POST /restart on pg-1: 500');
  });
});

describe('rollout Job', () => {
  const env = (f: FakeCluster, method = 'switchover') => ({
    KUBERNETES_API: f.url,
    SERVICEACCOUNT_DIR: serviceAccountDir(),
    NAMESPACE: 'shop',
    PATRONI_URL: f.url,
    STATEFULSET: 'pg',
    TARGET_REVISION: NEW,
    PRIMARY_UPDATE_METHOD: method,
  });

  it('replaces the replicas one by one, switches over, then replaces the former primary', async () => {
    const all = members(['replica', 'replica', 'leader']);
    const f = await start({ members: all, statefulSet: { name: 'pg', replicas: 3, updateRevision: NEW } });
    const run = await runScript(ROLLOUT_SCRIPT, env(f));
    expect(run.code).toBe(0);
    expect(f.events).toEqual([
      'delete pod pg-0 (replica)',
      'delete pod pg-1 (replica)',
      'switchover pg-2 -> any',
      'delete pod pg-2 (replica)',
    ]);
    expect(f.violations).toEqual([]);
    expect(f.members.every((m) => m.revision === NEW)).toBe(true);
  });

  it('with primaryUpdateMethod restart replaces the primary without a switchover', async () => {
    const f = await start({
      members: members(['leader', 'replica']),
      statefulSet: { name: 'pg', replicas: 2, updateRevision: NEW },
    });
    const run = await runScript(ROLLOUT_SCRIPT, env(f, 'restart'));
    expect(run.code).toBe(0);
    expect(f.events).toEqual(['delete pod pg-1 (replica)', 'delete pod pg-0 (leader)']);
  });

  it('resumes: members already on the target revision are left alone', async () => {
    const all = members(['leader', 'replica', 'replica']).map((m, i) =>
      i < 2 ? { ...m, revision: NEW } : m,
    );
    const f = await start({ members: all, statefulSet: { name: 'pg', replicas: 3, updateRevision: NEW } });
    const run = await runScript(ROLLOUT_SCRIPT, env(f));
    expect(run.code).toBe(0);
    expect(f.events).toEqual(['delete pod pg-2 (replica)']);
  });

  it('replaces a member that is already down first, and never a second one meanwhile', async () => {
    const all = members(['leader', 'replica', 'replica']);
    all[2] = { ...all[2]!, ready: false, state: 'crashed' };
    const f = await start({ members: all, statefulSet: { name: 'pg', replicas: 3, updateRevision: NEW } });
    const run = await runScript(ROLLOUT_SCRIPT, env(f));
    expect(run.code).toBe(0);
    expect(f.events[0]).toBe('delete pod pg-2 (replica)');
    expect(f.violations).toEqual([]);
  });

  it('ends without waiting out a timeout when a newer template arrives while a pod comes back', async () => {
    const f = await start({
      members: members(['leader', 'replica', 'replica']),
      statefulSet: { name: 'pg', replicas: 3, updateRevision: NEW },
      supersede: { afterDeletes: 1, revision: 'pg-9999999999' },
    });
    const run = await runScript(ROLLOUT_SCRIPT, { ...env(f), MEMBER_TIMEOUT: '20' }, 15_000);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('superseded');
    expect(f.events).toEqual(['delete pod pg-1 (replica)']);
  });

  it('ends at once when the StatefulSet moved on to a newer revision', async () => {
    const f = await start({
      members: members(['leader', 'replica']),
      statefulSet: { name: 'pg', replicas: 2, updateRevision: 'pg-0000000000' },
    });
    const run = await runScript(ROLLOUT_SCRIPT, env(f));
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('superseded');
    expect(f.events).toEqual([]);
  });
});

describe('resize Job', () => {
  const env = (f: FakeCluster, claims: string) => ({
    KUBERNETES_API: f.url,
    SERVICEACCOUNT_DIR: serviceAccountDir(),
    NAMESPACE: 'shop',
    SIZE: '20Gi',
    CLAIMS: claims,
  });

  it('patches each listed claim to the size, skipping those already there and those gone', async () => {
    const f = await start({ members: [], claims: { 'pgdata-pg-0': '10Gi', 'pgdata-pg-1': '20Gi' } });
    const run = await runScript(RESIZE_SCRIPT, env(f, 'pgdata-pg-0 pgdata-pg-1 pgdata-pg-2'));
    expect(run.code).toBe(0);
    expect(f.events).toEqual(['patch pgdata-pg-0 10Gi -> 20Gi']);
    expect(f.claims).toEqual({ 'pgdata-pg-0': '20Gi', 'pgdata-pg-1': '20Gi' });
  });

  it('fails when the API server refuses the patch (e.g. the class cannot expand)', async () => {
    const f = await start({
      members: [],
      claims: { 'pgdata-pg-0': '10Gi' },
      failWith: { 'PATCH /api/v1/namespaces/shop/persistentvolumeclaims/pgdata-pg-0': 403 },
    });
    const run = await runScript(RESIZE_SCRIPT, env(f, 'pgdata-pg-0'));
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('FAILED: PATCH pgdata-pg-0 to 20Gi: 403');
  });
});

describe('cleanup Job', () => {
  it("deletes Patroni's objects in order, and treats those already gone as done", async () => {
    const f = await start({ members: [], deletable: ['services/pg-config', 'endpoints/pg-config'] });
    const run = await runScript(CLEANUP_SCRIPT, {
      KUBERNETES_API: f.url,
      SERVICEACCOUNT_DIR: serviceAccountDir(),
      NAMESPACE: 'shop',
      DELETE: 'services/pg-config endpoints/pg-config endpoints/pg-sync endpoints/pg-failover',
    });
    expect(run.code).toBe(0);
    expect(f.events).toEqual([
      'delete services/pg-config',
      'delete endpoints/pg-config',
      'delete endpoints/pg-sync',
      'delete endpoints/pg-failover',
    ]);
    expect(run.stdout).toContain('endpoints/pg-sync already gone');
  });
});
