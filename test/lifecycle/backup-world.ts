/**
 * What the PostgresBackup scenarios (backup*.test.ts) share: the cluster specs, time and status
 * readers, and a running, archiving three-member cluster to start from.
 */
import { Backups, MINIO_BACKUP } from './backups';
import type { Scenario, useLifecycle } from './scenario';

export const HA = { version: '16', replicas: 3, storage: { size: '10Gi' } };
export const ARCHIVED = { ...HA, backup: MINIO_BACKUP };

/** Simulated seconds of an RFC 3339 time. */
export const secondsAt = (s: Scenario, iso: unknown): number =>
  (Date.parse(String(iso)) - Date.parse(s.clock.iso(0))) / 1000;

export const clusterBackupStatus = (s: Scenario) =>
  s.then.status()['backup'] as { prefix?: string; lastOnDemand?: unknown } | undefined;

/** A scenario with the store's credentials and a running, archiving three-member cluster. */
export async function archivingCluster(world: ReturnType<typeof useLifecycle>, spec: object = ARCHIVED) {
  const s = world.scenario();
  const b = new Backups(s);
  b.given.storeCredentials();
  await s.given.cluster({ ...spec });
  s.then.phase('Running');
  s.then.condition('BackupConfigured', { status: 'True' });
  return { s, b };
}
