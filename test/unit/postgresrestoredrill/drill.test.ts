/**
 * A restore drill's pure parts: the temporary cluster (the newest backup, no archive of its own, its
 * own names, volumes deleted with it) and the status from observed objects: success with the measured
 * recovery time and data loss window, a failing check, a restore that never becomes ready (the check
 * Job's deadline), and cleanup.
 */
import { describe, expect, it } from '@jest/globals';
import { checkSpec } from '../../../hooks/postgrescluster/spec/index';
import { drillClusterName, drillJobName } from '../../../hooks/postgresrestoredrill/names';
import { drillClusterSpec, type DrillSource } from '../../../hooks/postgresrestoredrill/plan';
import {
  drillStatus,
  keepDrillCluster,
  type DrillObserved,
} from '../../../hooks/postgresrestoredrill/verdict';

const MINIO = {
  s3: { bucket: 'pg-backups', endpoint: 'http://minio:9000', credentialsSecret: { name: 'minio' } },
};
const SOURCE: DrillSource = {
  name: 'orders',
  namespace: 'shop',
  uid: '11111111-2222-3333-4444-555555555555',
  spec: { version: '16', storage: { size: '20Gi', storageClass: 'fast' }, backup: { destination: MINIO } },
};
const DRILL_UID = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';

describe('the temporary cluster', () => {
  const plan = drillClusterSpec(SOURCE, {});
  const spec = plan.ok ? plan.spec : {};

  it('restores the latest state of the source archive and archives nowhere', () => {
    expect(spec).toMatchObject({
      replicas: 1,
      restore: {
        source: { ...MINIO, path: `shop/orders/${SOURCE.uid}`, version: '16' },
        target: { latest: true },
      },
      storage: { size: '20Gi', storageClass: 'fast', retentionPolicy: { whenDeleted: 'Delete' } },
    });
    expect(spec['backup']).toBeUndefined();
  });

  it('is a valid PostgresCluster spec under a name of its own', () => {
    const name = drillClusterName(DRILL_UID);
    expect(name).toMatch(/^pgdrill-[0-9a-f]{10}$/);
    expect(name).not.toBe(SOURCE.name);
    expect(drillJobName(DRILL_UID).startsWith(name)).toBe(true);
    const res = checkSpec({
      apiVersion: 'pgmeta.io/v1alpha1',
      kind: 'PostgresCluster',
      metadata: { name, namespace: 'shop', uid: 'u' },
      spec,
    });
    expect(res.ok ? [] : res.errors).toEqual([]);
  });

  it('refuses a source without an archive, naming the field', () => {
    const { backup: _backup, ...noBackup } = SOURCE.spec;
    expect(drillClusterSpec({ ...SOURCE, spec: noBackup }, {})).toEqual({
      ok: false,
      errors: [
        {
          path: 'spec.clusterRef.name',
          message: expect.stringContaining('no spec.backup') as unknown as string,
        },
      ],
    });
  });
});

const STARTED = '2026-11-21T10:00:00Z';
const result = (o: { amcheck?: boolean; query?: boolean; sysid?: string; last?: string } = {}) =>
  JSON.stringify({
    readyAt: '2026-11-21T10:12:30Z',
    lastReplayAt: o.last ?? '2026-11-21T09:58:20Z',
    systemIdentifier: o.sysid ?? '7437218811431043001',
    amcheck: { ok: o.amcheck ?? true, indexes: 10 },
    query: { ok: o.query ?? true },
  });
const observed = (o: Partial<DrillObserved>): DrillObserved => ({
  createdAt: STARTED,
  clusterPresent: true,
  sourceSystemIdentifier: '7437218811431043001',
  ...o,
});
const job = (state: 'active' | 'succeeded' | 'failed', failureReason?: string) => ({
  createdAt: '2026-11-21T10:00:05Z',
  state,
  ...(failureReason ? { failureReason } : {}),
});

describe('the drill status, from observed objects', () => {
  it('success: recovery time from the Job to ready, data loss window from the last replayed commit to the start', () => {
    const status = drillStatus(observed({ job: job('succeeded'), message: result() }));
    expect(status).toMatchObject({
      phase: 'Succeeded',
      reason: 'Passed',
      recoveryTimeSeconds: 745,
      dataLossWindowSeconds: 100,
      restoredUntil: '2026-11-21T09:58:20Z',
      amcheckIndexes: 10,
      cleanedUp: false,
    });
  });

  it('a failing check fails the drill and says which', () => {
    const status = drillStatus(
      observed({ job: job('failed', 'BackoffLimitExceeded'), message: result({ query: false }) }),
    );
    expect(status).toMatchObject({ phase: 'Failed', reason: 'CheckFailed' });
    expect(status.message).toContain('check query');
    expect(drillStatus(observed({ job: job('succeeded'), message: result({ sysid: '42' }) }))).toMatchObject({
      phase: 'Failed',
      message: expect.stringContaining('system identifier') as unknown as string,
    });
  });

  it('a restore that never becomes ready fails when the check Job reaches its deadline', () => {
    expect(drillStatus(observed({ job: job('failed', 'DeadlineExceeded') }))).toMatchObject({
      phase: 'Failed',
      reason: 'NeverReady',
    });
    expect(drillStatus(observed({ job: job('active') }))).toMatchObject({ phase: 'Restoring' });
  });

  it('cleanup: the temporary cluster is wanted only while the check runs, and cleanedUp once it is gone', () => {
    expect(keepDrillCluster({})).toBe(true);
    expect(keepDrillCluster({ job: job('active') })).toBe(true);
    expect(keepDrillCluster({ job: job('succeeded') })).toBe(false);
    expect(keepDrillCluster({ job: job('failed', 'DeadlineExceeded') })).toBe(false);
    expect(
      drillStatus(observed({ job: job('succeeded'), message: result(), clusterPresent: false })).cleanedUp,
    ).toBe(true);
  });
});
