/**
 * The temporary cluster of a restore drill: the newest backup of the source, restored to the end of
 * its archive through `spec.restore` (Spilo's clone, the same path as a user's restore), with one
 * member and small resources, and nothing that could write anywhere but its own volume:
 *
 * - no `spec.backup`: the drill cluster archives nothing, so it can never write into the source's
 *   archive (and pgmeta's restore-first rule keeps even the clone's WAL-G settings out of archiving);
 * - its own name (names.ts), so its Secrets, Services and Patroni objects are its own;
 * - volumes deleted with it (`retentionPolicy: Delete`), since the drill deletes it when done.
 */
import type { FieldError } from '../lib/field-errors.js';
import { liveArchivePath } from '../postgrescluster/backup/resolve.js';
import type { BackupSpec } from '../postgrescluster/backup/types.js';

/** What a drill takes from the source cluster object (its spec as stored, its identity). */
export interface DrillSource {
  name: string;
  namespace: string;
  uid: string;
  spec: {
    version: string;
    image?: string;
    storage: { size: string; storageClass?: string };
    bootstrap?: { database?: string; owner?: string };
    backup?: BackupSpec;
  };
}

export interface DrillSpec {
  /** Resources of the temporary member. @default {@link DRILL_RESOURCES} */
  resources?: Record<string, unknown>;
}

/** Small but enough for Spilo to recover WAL: memory bounds shared_buffers (docs/contract.md). */
export const DRILL_RESOURCES = {
  requests: { cpu: '250m', memory: '1Gi' },
  limits: { memory: '1Gi' },
} as const;

export type DrillClusterPlan =
  { ok: true; spec: Record<string, unknown> } | { ok: false; errors: FieldError[] };

/** The restore source: the source's own archive, read by path (its UID appended as pgmeta does). */
function restoreSource(source: DrillSource, backup: BackupSpec): Record<string, unknown> {
  const path = liveArchivePath(source, backup.path);
  return { ...backup.destination, path, version: source.spec.version };
}

/** The temporary cluster's spec, or why there is nothing to drill. */
export function drillClusterSpec(source: DrillSource, drill: DrillSpec): DrillClusterPlan {
  const backup = source.spec.backup;
  if (!backup) {
    const message = `PostgresCluster ${source.name} has no spec.backup: it has no archive to restore`;
    return { ok: false, errors: [{ path: 'spec.clusterRef.name', message }] };
  }
  const { size, storageClass } = source.spec.storage;
  return {
    ok: true,
    spec: {
      version: source.spec.version,
      ...(source.spec.image === undefined ? {} : { image: source.spec.image }),
      replicas: 1,
      storage: {
        size,
        ...(storageClass === undefined ? {} : { storageClass }),
        retentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Delete' },
      },
      resources: drill.resources ?? DRILL_RESOURCES,
      ...(source.spec.bootstrap ? { bootstrap: source.spec.bootstrap } : {}),
      restore: {
        source: restoreSource(source, backup),
        target: { latest: true },
        ...(backup.encryption ? { encryption: backup.encryption } : {}),
      },
    },
  };
}
