/**
 * The user Secrets a backup or restore configuration reads, and whether each named key is there.
 *
 * They are the user's, not children: the customize hook asks for them by name as read-only related
 * objects, so pgmeta can say "Secret x has no key y" in status instead of leaving a pod stuck in
 * CreateContainerConfigError or WAL-G failing on every archive attempt.
 */
import type { KubeObject } from '../../lib/k8s.js';
import type {
  ResolvedBackup,
  ResolvedDestination,
  ResolvedEncryption,
  ResolvedRestore,
  SecretKeyRef,
} from './types.js';

export type SecretPurpose = 'backup' | 'restore';

/** One Secret key the configuration reads, and the spec field that names it. */
export interface SecretUse {
  ref: SecretKeyRef;
  field: string;
  purpose: SecretPurpose;
}

export type SecretProblemReason = 'SecretNotFound' | 'SecretKeyNotFound';

export interface SecretProblem {
  reason: SecretProblemReason;
  purpose: SecretPurpose;
  message: string;
}

function destinationUses(dest: ResolvedDestination, at: string): { ref: SecretKeyRef; field: string }[] {
  switch (dest.kind) {
    case 's3':
      return [
        { ref: dest.accessKeyId, field: `${at}.s3.credentialsSecret` },
        { ref: dest.secretAccessKey, field: `${at}.s3.credentialsSecret` },
      ];
    case 'gcs':
      return [{ ref: dest.credentials, field: `${at}.gcs.credentialsSecret` }];
    case 'azure':
      return [{ ref: dest.accessKey, field: `${at}.azure.credentialsSecret` }];
  }
}

function encryptionUses(
  enc: ResolvedEncryption | undefined,
  at: string,
): { ref: SecretKeyRef; field: string }[] {
  if (!enc) return [];
  return [enc.key, ...(enc.passphrase ? [enc.passphrase] : [])].map((ref) => ({
    ref,
    field: `${at}.encryption.keySecret`,
  }));
}

/** Every Secret key the cluster's backup and restore configuration reads. */
export function secretUses(cluster: { backup?: ResolvedBackup; restore?: ResolvedRestore }): SecretUse[] {
  const { backup, restore } = cluster;
  return [
    ...(backup
      ? [
          ...destinationUses(backup.destination, 'spec.backup.destination'),
          ...encryptionUses(backup.encryption, 'spec.backup'),
        ].map((u) => ({ ...u, purpose: 'backup' as const }))
      : []),
    ...(restore
      ? [
          ...destinationUses(restore.destination, 'spec.restore.source'),
          ...encryptionUses(restore.encryption, 'spec.restore'),
        ].map((u) => ({ ...u, purpose: 'restore' as const }))
      : []),
  ];
}

/** A key is there when the Secret's `data` has it with a non-empty value. */
function hasKey(secret: KubeObject, key: string): boolean {
  const data = secret['data'];
  if (typeof data !== 'object' || data === null) return false;
  const value = (data as Record<string, unknown>)[key];
  return typeof value === 'string' && value !== '';
}

/** What is missing, one problem per Secret or key, in the order of {@link secretUses}. */
export function secretProblems(
  uses: readonly SecretUse[],
  secrets: Readonly<Record<string, KubeObject>>,
): SecretProblem[] {
  const seen = new Set<string>();
  const problems: SecretProblem[] = [];
  for (const { ref, field, purpose } of uses) {
    const secret = secrets[ref.name];
    const id = secret ? `${ref.name}/${ref.key}` : ref.name;
    if (seen.has(id) || (secret && hasKey(secret, ref.key))) continue;
    seen.add(id);
    problems.push(
      secret
        ? {
            reason: 'SecretKeyNotFound',
            purpose,
            message: `Secret ${ref.name} has no key ${ref.key} (${field})`,
          }
        : { reason: 'SecretNotFound', purpose, message: `Secret ${ref.name} not found (${field})` },
    );
  }
  return problems;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function secretNameAt(obj: unknown, ...keys: string[]): string | undefined {
  let at: unknown = obj;
  for (const k of keys) at = isObj(at) ? at[k] : undefined;
  return typeof at === 'string' && at.length <= 253 && DNS_SUBDOMAIN.test(at) ? at : undefined;
}

function storeSecretNames(dest: unknown): (string | undefined)[] {
  return ['s3', 'gcs', 'azure'].map((store) => secretNameAt(dest, store, 'credentialsSecret', 'name'));
}

/**
 * Names of the Secrets a raw spec refers to, sorted and without duplicates, for the customize hook
 * (which sees the parent only, before any validation; malformed names are skipped).
 */
export function referencedSecretNames(spec: unknown): string[] {
  const s = isObj(spec) ? spec : {};
  const backup = s['backup'];
  const restore = s['restore'];
  const names = [
    ...storeSecretNames(isObj(backup) ? backup['destination'] : undefined),
    secretNameAt(backup, 'encryption', 'keySecret', 'name'),
    ...storeSecretNames(isObj(restore) ? restore['source'] : undefined),
    secretNameAt(restore, 'encryption', 'keySecret', 'name'),
  ].filter((n): n is string => n !== undefined);
  return [...new Set(names)].sort();
}
