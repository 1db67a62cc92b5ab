/**
 * The children that backups and restores add or change (the StatefulSet with every store's variables
 * and the GCS key volumes, the ServiceAccount with an identity's annotation, the catalog Job, the
 * backup Job) validate against the upstream Kubernetes OpenAPI schemas.
 */
import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../../../hooks/lib/k8s.js';
import { syncBackupWorld, clusterWithStatus, postgresBackup } from '../../../support/backup-world.js';
import { sync } from '../../../support/cluster-world.js';
import { invalidEntries, validateObjects } from '../../../conformance/run-validate.js';
import { CASES, minioCluster } from '../../../golden/backup/cases.js';

describe('backup and restore children against the Kubernetes schemas', () => {
  it('every StatefulSet, ServiceAccount and catalog Job of the backup goldens and the backup Job are valid', () => {
    const objects: KubeObject[] = Object.values(CASES).flatMap((build) =>
      sync(build()).children.filter(
        (c) =>
          c.kind === 'StatefulSet' ||
          c.kind === 'ServiceAccount' ||
          (c.kind === 'Job' && c.metadata.name.includes('-catalog-')),
      ),
    );
    expect(objects.filter((c) => c.kind === 'Job').length).toBeGreaterThanOrEqual(4);
    expect(objects.some((c) => c.kind === 'ServiceAccount' && c.metadata.annotations !== undefined)).toBe(
      true,
    );
    const job = syncBackupWorld({
      parent: postgresBackup('nightly', 'orders'),
      cluster: clusterWithStatus(minioCluster()),
      pods: [],
    }).children;
    expect(job.map((c) => c.kind)).toEqual(['Job']);
    const run = validateObjects([...objects, ...job]);
    expect(run.exitCode).toBe(0);
    expect(invalidEntries(run.report)).toEqual([]);
    expect(run.report.length).toBe(objects.length + 1);
    expect(objects.length).toBeGreaterThanOrEqual(7);
  }, 60_000);

  it('a broken one is reported, so the check above can fail', () => {
    const broken = {
      ...syncBackupWorld({
        parent: postgresBackup('nightly', 'orders'),
        cluster: clusterWithStatus(minioCluster()),
        pods: [],
      }).children[0]!,
    };
    const spec = broken['spec'] as { backoffLimit: unknown };
    const run = validateObjects([{ ...broken, spec: { ...spec, backoffLimit: 'two' } }]);
    expect(invalidEntries(run.report)).toHaveLength(1);
  }, 60_000);
});
