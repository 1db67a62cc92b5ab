/**
 * The user Secrets a backup or restore configuration reads, and whether each named key is there.
 *
 * They are the user's, not children: the customize hook asks for them by name as read-only related
 * objects, so pgmeta can say "Secret x has no key y" in status instead of leaving a pod stuck in
 * CreateContainerConfigError or WAL-G failing on every archive attempt.
 */
import type { KubeObject } from '../../lib/k8s.js';
import type { ResolvedStandby } from '../standby/types.js';
import type {
  ResolvedBackup,
  ResolvedDestination,
  ResolvedEncryption,
  ResolvedRestore,
  SecretKeyRef,
} from './types.js';

/** `standby`: a standby's source archive and the Secrets with the source's passwords. */
export type SecretPurpose = 'backup' | 'restore' | 'standby';

/** One Secret key the configuration reads, and the spec field that names it. */
export interface SecretUse {
  ref: SecretKeyRef;
  field: string;
  purpose: SecretPurpose;
  /**
   * The value reaches WAL-G as a variable, through Spilo's envdir, which keeps only its first line
   * (files.ts); a key file (GCS credentials, a PGP key) has no such limit.
   */
  oneLine: boolean;
}

export type SecretProblemReason = 'SecretNotFound' | 'SecretKeyNotFound' | 'SecretValueNotOneLine';

export interface SecretProblem {
  reason: SecretProblemReason;
  purpose: SecretPurpose;
  message: string;
}

type Use = Omit<SecretUse, 'purpose'>;

/** Uses of the Secret keys that are set (credentials without static keys name none). */
function uses(refs: (SecretKeyRef | undefined)[], field: string, oneLine: boolean): Use[] {
  return refs.flatMap((ref) => (ref ? [{ ref, field, oneLine }] : []));
}

function destinationUses(dest: ResolvedDestination, at: string): Use[] {
  switch (dest.kind) {
    case 's3':
      return uses([dest.accessKeyId, dest.secretAccessKey], `${at}.s3.credentialsSecret`, true);
    case 'gcs':
      return uses([dest.credentials], `${at}.gcs.credentialsSecret`, false);
    case 'azure':
      return uses([dest.accessKey], `${at}.azure.credentialsSecret`, true);
  }
}

function encryptionUses(enc: ResolvedEncryption | undefined, at: string): Use[] {
  if (!enc) return [];
  const field = `${at}.encryption.keySecret`;
  return [
    // A PGP key is mounted as a file; a libsodium key is a variable.
    { ref: enc.key, field, oneLine: enc.method === 'libsodium' },
    ...(enc.passphrase ? [{ ref: enc.passphrase, field, oneLine: true }] : []),
  ];
}

/** The Secret keys a standby reads: its source archive's, and the source's passwords (seeds). */
function standbyUses(standby: ResolvedStandby | undefined): SecretUse[] {
  if (!standby) return [];
  const { archive, credentials } = standby;
  const seeds: Use[] = (['superuser', 'replication', 'app'] as const).map((purpose) => ({
    ref: { name: credentials[purpose], key: 'password' },
    field: `spec.standby.credentials.${purpose}Secret`,
    oneLine: false,
  }));
  const archiveUses = archive
    ? [
        ...destinationUses(archive.destination, 'spec.standby.archive'),
        ...encryptionUses(archive.encryption, 'spec.standby'),
      ]
    : [];
  return [...archiveUses, ...seeds].map((u) => ({ ...u, purpose: 'standby' as const }));
}

/** Every Secret key the cluster's backup, restore and standby configuration reads. */
export function secretUses(cluster: {
  backup?: ResolvedBackup;
  restore?: ResolvedRestore;
  standby?: ResolvedStandby;
}): SecretUse[] {
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
    ...standbyUses(cluster.standby),
  ];
}

/** The key's value in the Secret's `data` (base64), undefined when missing or empty. */
function valueOf(secret: KubeObject, key: string): string | undefined {
  const data = secret['data'];
  if (typeof data !== 'object' || data === null) return undefined;
  const value = (data as Record<string, unknown>)[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Whether the envdir passes the value on whole. runit's `chpst` (runit src/chpst.c `edir()`) keeps
 * the first line only, drops the blanks at its end and turns NUL bytes into line breaks; a single
 * trailing line break (what `echo` into a file leaves) is the only one that loses nothing.
 */
export function survivesEnvdir(base64: string): boolean {
  const text = Buffer.from(base64, 'base64').toString('utf8');
  const whole = text.endsWith('\n') ? text.slice(0, -1) : text;
  return !/[\n\0]/.test(whole) && !/[ \t]$/.test(whole);
}

function problemOf(use: SecretUse, secret: KubeObject | undefined): SecretProblem | undefined {
  const { ref, field, purpose } = use;
  if (!secret)
    return { reason: 'SecretNotFound', purpose, message: `Secret ${ref.name} not found (${field})` };
  const value = valueOf(secret, ref.key);
  if (value === undefined) {
    const message = `Secret ${ref.name} has no key ${ref.key} (${field})`;
    return { reason: 'SecretKeyNotFound', purpose, message };
  }
  if (use.oneLine && !survivesEnvdir(value)) {
    const message = `Secret ${ref.name} key ${ref.key} would reach WAL-G cut short: Spilo's envdir keeps only the first line, without blanks at its end (${field})`;
    return { reason: 'SecretValueNotOneLine', purpose, message };
  }
  return undefined;
}

/** What is missing, one problem per Secret or key and purpose, in the order of {@link secretUses}. */
export function secretProblems(
  uses: readonly SecretUse[],
  secrets: Readonly<Record<string, KubeObject>>,
): SecretProblem[] {
  const seen = new Set<string>();
  const problems: SecretProblem[] = [];
  for (const use of uses) {
    const secret = secrets[use.ref.name];
    // Per purpose: a Secret that the backup and the restore share must hold back both.
    const id = `${use.purpose}:${secret ? `${use.ref.name}/${use.ref.key}` : use.ref.name}`;
    const problem = seen.has(id) ? undefined : problemOf(use, secret);
    if (!problem) continue;
    seen.add(id);
    problems.push(problem);
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
  const standby = s['standby'];
  const names = [
    ...storeSecretNames(isObj(backup) ? backup['destination'] : undefined),
    secretNameAt(backup, 'encryption', 'keySecret', 'name'),
    ...storeSecretNames(isObj(restore) ? restore['source'] : undefined),
    secretNameAt(restore, 'encryption', 'keySecret', 'name'),
    ...storeSecretNames(isObj(standby) ? standby['archive'] : undefined),
    secretNameAt(standby, 'encryption', 'keySecret', 'name'),
    ...['superuserSecret', 'replicationSecret', 'appSecret'].map((k) =>
      secretNameAt(standby, 'credentials', k, 'name'),
    ),
  ].filter((n): n is string => n !== undefined);
  return [...new Set(names)].sort();
}
