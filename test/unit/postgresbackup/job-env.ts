/**
 * The env of the backup Job the hook renders, with a real-server test's paths in place of Spilo's:
 * the data directory, and an `envdir` stand-in in `bin` reading `envdir` (shared by the backup Job's
 * real-PostgreSQL tests).
 */
import { buildBackupJob, WALE_ENV_DIR } from '../../../hooks/postgresbackup/job.js';
import { checkSpec } from '../../../hooks/postgrescluster/spec/index.js';
import { PGDATA } from '../../../hooks/postgrescluster/spilo/env.js';

export function backupJobEnv(
  id: string,
  paths: { pgdata: string; envdir: string; bin: string },
): Record<string, string> {
  const checked = checkSpec({
    apiVersion: 'pgmeta.io/v1alpha1',
    kind: 'PostgresCluster',
    metadata: { name: 'orders', namespace: 'shop', uid: 'u1' },
    spec: {
      version: '16',
      storage: { size: '1Gi' },
      tls: { enabled: false },
      backup: {
        destination: {
          s3: { bucket: 'pg-backups', endpoint: 'http://minio:9000', credentialsSecret: { name: 's' } },
        },
      },
    },
  });
  if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
  const job = buildBackupJob({ name: 'j', backupName: 'b', id, cluster: checked.resolved });
  const env = job.spec?.template.spec?.containers[0]?.env ?? [];
  return Object.fromEntries(
    env
      .filter((e) => e.name.startsWith('BACKUP_'))
      .map((e) => [
        e.name,
        (e.value ?? '')
          .replaceAll(PGDATA, paths.pgdata)
          .replaceAll(`envdir ${WALE_ENV_DIR}`, `${paths.bin}/envdir ${paths.envdir}`),
      ]),
  );
}
