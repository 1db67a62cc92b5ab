import { describe, expect, it } from '@jest/globals';
import {
  backupConditions,
  type ArchivingMember,
  type BackupStatusInput,
} from '../../../../hooks/postgrescluster/backup/status.js';
import { resolvedCluster } from '../../../support/cluster-world.js';

const cluster = resolvedCluster({
  version: '16',
  storage: { size: '1Gi' },
  backup: {
    destination: {
      s3: { bucket: 'pg-backups', region: 'eu-west-1', credentialsSecret: { name: 'minio' } },
    },
  },
});
const backup = cluster.backup!;
const other = 's3://pg-backups/shop/orders/old-uid/wal/16';

function configured(members: ArchivingMember[]) {
  const input: BackupStatusInput = { name: 'orders', backup, problems: [], postgresBackups: [], members };
  return backupConditions(input).find((c) => c.type === 'BackupConfigured');
}

describe('BackupConfigured follows what the members run, not only the spec', () => {
  const m = (name: string, archivePrefix?: string, terminating = false): ArchivingMember => ({
    name,
    terminating,
    ...(archivePrefix === undefined ? {} : { archivePrefix }),
  });

  it.each<[string, ArchivingMember[], string, string]>([
    ['every member archives there', [m('a-0', backup.prefix), m('a-1', backup.prefix)], 'True', 'Configured'],
    ['one member without WAL-G', [m('a-0', backup.prefix), m('a-1')], 'False', 'a-1 still runs without it'],
    [
      'a member on an old archive',
      [m('a-1', other), m('a-0', other)],
      'False',
      'a-0, a-1 still run without it',
    ],
    [
      'a terminating old member next to updated ones',
      [m('a-0', backup.prefix), m('a-1', other, true)],
      'True',
      'Configured',
    ],
  ])('%s', (_name, members, status, says) => {
    const c = configured(members);
    expect(c?.status).toBe(status);
    if (status === 'True') expect(c?.reason).toBe(says);
    else expect(c).toMatchObject({ reason: 'RollingOut', message: expect.stringContaining(says) });
  });

  it.each<[string, ArchivingMember[]]>([
    ['no member yet', []],
    ['only a terminating member', [m('a-0', backup.prefix, true)]],
  ])('waits for members: %s', (_name, members) => {
    expect(configured(members)).toMatchObject({
      status: 'False',
      reason: 'WaitingForMembers',
      message: expect.stringContaining('no member runs yet'),
    });
  });
});
