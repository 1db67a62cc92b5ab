/**
 * Credentials without static keys: what the members' ServiceAccount must carry for the identity a
 * backup or restore store names. WAL-G runs inside the Spilo container (archive_command, Spilo's
 * cron, and pgmeta's backup and catalog Jobs through the server), so the members' identity is the
 * one WAL-G uses. What works with the pinned versions, and why (docs/backup.md "Credentials without static
 * keys" has the details):
 *
 * - GCS, GKE Workload Identity: without `GOOGLE_APPLICATION_CREDENTIALS`, WAL-G 3.0.5's GCS client
 *   (pkg/storages/gcs/storage.go `NewStorage`, `gcs.NewClient(ctx)` without options) takes Google's
 *   application default credentials, which the GKE metadata server answers for the Google service
 *   account named in the Kubernetes ServiceAccount's `iam.gke.io/gcp-service-account` annotation.
 * - S3, the node's instance profile: without keys Spilo writes `AWS_INSTANCE_PROFILE`
 *   (configure_spilo.py `write_wale_environment`) and WAL-G sets no credentials of its own
 *   (pkg/storages/s3/session.go `configureSession`), so the AWS SDK's default chain ends at the EC2
 *   instance metadata. No annotation.
 * - Azure, a managed identity: without a key or SAS token WAL-G uses
 *   `azidentity.NewDefaultAzureCredential` (pkg/storages/azure/storage.go
 *   `containerClientWithDefaultAuth`), whose chain (azidentity v1.1.0, WAL-G's go.mod) ends at the
 *   managed identity of the instance metadata service. No annotation.
 */
import type { FieldError } from '../../lib/field-errors.js';
import type { ResolvedBackup, ResolvedRestore } from './types.js';

/** GKE Workload Identity's ServiceAccount annotation. */
export const GKE_SERVICE_ACCOUNT_ANNOTATION = 'iam.gke.io/gcp-service-account';

interface Archives {
  backup?: ResolvedBackup;
  restore?: ResolvedRestore;
}

function gcsAccounts(c: Archives): { field: string; account: string }[] {
  return [
    { at: 'spec.backup.destination', d: c.backup?.destination },
    { at: 'spec.restore.source', d: c.restore?.destination },
  ].flatMap(({ at, d }) =>
    d?.kind === 'gcs' && d.serviceAccount !== undefined
      ? [{ field: `${at}.gcs.identity.serviceAccount`, account: d.serviceAccount }]
      : [],
  );
}

/** The annotations of the members' ServiceAccount that the stores' identities need. */
export function identityAnnotations(c: Archives): Record<string, string> {
  const first = gcsAccounts(c)[0];
  return first ? { [GKE_SERVICE_ACCOUNT_ANNOTATION]: first.account } : {};
}

/**
 * One ServiceAccount carries one Google service account: a restore source and an archive that name
 * two different ones cannot both be used (the members would read with the archive's account).
 */
export function identityErrors(c: Archives): FieldError[] {
  const [archive, source] = gcsAccounts(c);
  if (!archive || !source || archive.account === source.account) return [];
  return [
    {
      path: source.field,
      message: `the members' ServiceAccount can be bound to one Google service account only: ${source.account} differs from ${archive.field} ${archive.account}`,
    },
  ];
}
