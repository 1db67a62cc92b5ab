import { describe, expect, it } from '@jest/globals';
import {
  backupConditions,
  type ArchivingMember,
  type BackupStatusInput,
} from '../../../../hooks/postgrescluster/backup/status.js';
import { resolvedCluster } from '../../../support/cluster-world.js';
import { lazy } from '../../../support/lazy.js';

/** The cluster's resolved backup, built on first use (test/support/lazy.ts). */
const backup = lazy(
  () =>
    resolvedCluster({
      version: '16',
      storage: { size: '1Gi' },
      backup: {
        destination: {
          s3: { bucket: 'pg-backups', region: 'eu-west-1', credentialsSecret: { name: 'minio' } },
        },
      },
    }).backup!,
);
/** Stands for the cluster's own archive prefix in the tables below, which are built while the file loads. */
const OURS = 'ours';
const other = 's3://pg-backups/shop/orders/old-uid/wal/16';

function configured(members: ArchivingMember[]) {
  const prefix = backup().prefix;
  const real = members.map((m) => (m.archivePrefix === OURS ? { ...m, archivePrefix: prefix } : m));
  const input: BackupStatusInput = {
    name: 'orders',
    backup: backup(),
    problems: [],
    postgresBackups: [],
    members: real,
  };
  return backupConditions(input).find((c) => c.type === 'BackupConfigured');
}

describe('BackupConfigured follows what the members run, not only the spec', () => {
  const m = (name: string, archivePrefix?: string, terminating = false): ArchivingMember => ({
    name,
    terminating,
    ...(archivePrefix === undefined ? {} : { archivePrefix }),
  });

  it.each<[string, ArchivingMember[], string, string]>([
    ['every member archives there', [m('a-0', OURS), m('a-1', OURS)], 'True', 'Configured'],
    ['one member without WAL-G', [m('a-0', OURS), m('a-1')], 'False', 'a-1 still runs without it'],
    [
      'a member on an old archive',
      [m('a-1', other), m('a-0', other)],
      'False',
      'a-0, a-1 still run without it',
    ],
    [
      'a terminating old member next to updated ones',
      [m('a-0', OURS), m('a-1', other, true)],
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
    ['only a terminating member', [m('a-0', OURS, true)]],
  ])('waits for members: %s', (_name, members) => {
    expect(configured(members)).toMatchObject({
      status: 'False',
      reason: 'WaitingForMembers',
      message: expect.stringContaining('no member runs yet'),
    });
  });
});
