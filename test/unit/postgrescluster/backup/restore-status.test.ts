/**
 * What status says a restore recovered (hooks/postgrescluster/backup/restore-status.ts), read from
 * the timeline history Patroni keeps on `<scope>-config` (recovery.ts). The history lines are as
 * Patroni 4.0.4 writes them (ha.py `Ha.update_cluster_history`): `[parent timeline, switch LSN,
 * reason]`, plus the time and member for a switch this cluster's primary made; the reasons are
 * PostgreSQL's (`before <time>` when a time target stopped recovery, `no recovery target specified`
 * otherwise), as a PostgreSQL 15 recovery writes them.
 */
import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../../../hooks/lib/k8s.js';
import { applied } from '../../../support/apiserver.js';
import { userSecret } from '../../../support/backup-world.js';
import { parentFrom, relatedFor, sync } from '../../../support/cluster-world.js';

const S3 = { bucket: 'pg-backups', endpoint: 'http://minio:9000', credentialsSecret: { name: 'minio' } };
const creds = userSecret('minio', { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' });
const BASE = { version: '16', replicas: 2, storage: { size: '10Gi' } };
const SOURCE = 's3://pg-backups/shop/orders/u0/wal/16';
const members = [
  { ordinal: 0, role: 'master' as const, timeline: 3 },
  { ordinal: 1, role: 'replica' as const, timeline: 3 },
];
/** Lines the source's history brought along (no time: Patroni did not see them happen here). */
const INHERITED = [[1, 50_331_808, 'before 2026-11-01 08:00:00.5+00']];
const RESTORE_END = (reason: string) => [2, 83_886_296, reason, '2026-11-21T10:01:02+00:00', 'orders-pitr-0'];
const LATER_FAILOVER = [
  3,
  100_663_456,
  'no recovery target specified',
  '2026-11-22T04:00:00+00:00',
  'orders-pitr-1',
];

function status(
  target: Record<string, unknown>,
  config: { initialize: string; history?: unknown[] },
): Record<string, unknown> {
  const restore = { source: { s3: S3, path: 'shop/orders/u0' }, target };
  const parent = parentFrom({ ...BASE, restore }, { name: 'orders-pitr' });
  const children = sync({ parent, children: [], related: [creds] }).children.map((c) => applied(c, parent));
  const related = relatedFor(parent, members, [], { podsFrom: children }).map((o): KubeObject => {
    if (o.kind !== 'Endpoints') return o;
    if (!o.metadata.name.endsWith('-config')) {
      return config.initialize === '' ? { ...o, metadata: { ...o.metadata, annotations: {} } } : o;
    }
    const annotations = {
      ...o.metadata.annotations,
      initialize: config.initialize,
      ...(config.history ? { history: JSON.stringify(config.history) } : {}),
    };
    return { ...o, metadata: { ...o.metadata, annotations } };
  });
  return sync({ parent, children, related: [creds, ...related] }).status;
}
const restored = (st: Record<string, unknown>) =>
  (st['conditions'] as { type: string }[]).find((c) => c.type === 'Restored');
const SYSID = '7437218811431043104';
const TIME = { time: '2026-11-21T09:30:00Z' };

describe('a restore to a time', () => {
  it('past the end of the archive: Restored False, TargetNotReached, saying where recovery ended', () => {
    const st = status(TIME, {
      initialize: SYSID,
      history: [...INHERITED, RESTORE_END('no recovery target specified'), LATER_FAILOVER],
    });
    expect(restored(st)).toMatchObject({
      status: 'False',
      reason: 'TargetNotReached',
      message: `restored from ${SOURCE}, but not to 2026-11-21T09:30:00+00:00: the archive ends before it, so Spilo promoted at its end (timeline 3 from LSN 0/50000D8, promoted at 2026-11-21T10:01:02+00:00); later transactions are not in this cluster`,
    });
    expect(st['restoredFrom']).toEqual({
      prefix: SOURCE,
      targetTime: '2026-11-21T09:30:00+00:00',
      targetReached: false,
      recovery: {
        timeline: 3,
        lsn: '0/50000D8',
        stop: 'no recovery target specified',
        promotedAt: '2026-11-21T10:01:02+00:00',
      },
    });
  });

  it('that recovery stopped at: Restored True, TargetReached', () => {
    const st = status(TIME, {
      initialize: SYSID,
      history: [...INHERITED, RESTORE_END('before 2026-11-21 09:30:00.81+00')],
    });
    expect(restored(st)).toMatchObject({
      status: 'True',
      reason: 'TargetReached',
      message: expect.stringContaining('recovery stopped before 2026-11-21 09:30:00.81+00; timeline 3'),
    });
    expect(st['restoredFrom']).toMatchObject({ targetReached: true, recovery: { timeline: 3 } });
  });

  it('without a recorded history: Restored True, TargetUnverified, and no claim either way', () => {
    // The inherited line says `before <time>`, but it is the source's own PITR, not this restore.
    const st = status(TIME, { initialize: SYSID, history: INHERITED });
    expect(restored(st)).toMatchObject({ status: 'True', reason: 'TargetUnverified' });
    expect(st['restoredFrom']).not.toHaveProperty('targetReached');
  });

  it('while Patroni still bootstraps (initialize taken, empty): Restoring, and no restoredFrom', () => {
    const st = status(TIME, { initialize: '' });
    expect(restored(st)).toMatchObject({ status: 'False', reason: 'Restoring' });
    expect(st['restoredFrom']).toBeUndefined();
  });
});

describe('a restore to the latest backup', () => {
  it('is Restored to the end of the archive, saying where that was', () => {
    const st = status(
      { latest: true },
      { initialize: SYSID, history: [RESTORE_END('no recovery target specified')] },
    );
    expect(restored(st)).toMatchObject({
      status: 'True',
      reason: 'Restored',
      message: `restored from ${SOURCE} to the end of the archive: timeline 3 from LSN 0/50000D8, promoted at 2026-11-21T10:01:02+00:00`,
    });
    expect(st['restoredFrom']).toMatchObject({ latest: true, recovery: { timeline: 3 } });
    expect(st['restoredFrom']).not.toHaveProperty('targetReached');
  });
});
