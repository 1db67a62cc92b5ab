/**
 * Validation of `spec.backup` and `spec.restore`: the TypeScript mirrors of their CEL rules (merged
 * into the spec's MIRRORS table, keyed by the rules' exact text as in the CRD), and the checks of the
 * two together: a restored cluster's own archive must not overlap the archive it restores from (CEL
 * does not see the object's UID), and both may not name different Google service accounts
 * (identity.ts).
 *
 * The cron and time patterns avoid backslashes (`[*]`, `[.]`) so the CRD, CEL string literals and
 * these constants hold the same characters.
 */
import { celEqual } from '../../lib/crd-schema.js';
import type { FieldError } from '../../lib/field-errors.js';
import type { Mirror } from '../spec/validate.js';
import { identityErrors } from './identity.js';
import { archivesOverlap, resolveBackup, resolveRestore } from './resolve.js';
import type { BackupSpec, RestoreSpec } from './types.js';

type Obj = Readonly<Record<string, unknown>>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const has = (o: unknown, key: string): boolean => isObj(o) && o[key] !== undefined;

const STEP = '(/[1-9][0-9]?)?';
const item = (v: string): string => `([*]${STEP}|${v}(-${v}${STEP})?)`;
const field = (v: string): string => `${item(v)}(,${item(v)})*`;
const MINUTE = '([0-5]?[0-9])';
const HOUR = '([01]?[0-9]|2[0-3])';
const DAY = '(0?[1-9]|[12][0-9]|3[01])';
const MONTH = '(0?[1-9]|1[0-2]|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)';
const WEEKDAY = '([0-7]|sun|mon|tue|wed|thu|fri|sat)';

/**
 * A crontab schedule as the cron of the Spilo image reads it: five fields (minute, hour, day of
 * month, month, day of week) of values, ranges, lists and steps, or a macro such as `@daily`. Spilo
 * writes it verbatim into the crontab, so anything else would break the backup line or add one.
 */
export const CRON_PATTERN = `^(@(yearly|annually|monthly|weekly|daily|midnight|hourly)|${[MINUTE, HOUR, DAY, MONTH, WEEKDAY].map(field).join(' +')})$`;

/**
 * An RFC 3339 time that carries its zone (`Z` or an offset): Spilo's clone script refuses a
 * recovery target without one, after the pod has started, so the API refuses it first.
 */
export const TIME_PATTERN =
  '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]{1,9})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$';

/** The CEL rules of spec.backup and spec.restore, by name; the CRD holds exactly these texts. */
export const BACKUP_RULES = {
  oneStore: '(has(self.s3) ? 1 : 0) + (has(self.gcs) ? 1 : 0) + (has(self.azure) ? 1 : 0) == 1',
  s3Region: 'has(self.endpoint) || has(self.region)',
  cron: `self.matches('${CRON_PATTERN}')`,
  pathOrCluster: 'has(self.path) != has(self.cluster)',
  credentialsOrIdentity: 'has(self.credentialsSecret) != has(self.identity)',
  target: 'has(self.time) != (has(self.latest) && self.latest)',
  time: `self.matches('${TIME_PATTERN}')`,
  passphrase: "self.method == 'pgp' || !has(self.keySecret.passphraseKey)",
  restoreImmutable:
    'has(self.restore) == has(oldSelf.restore) && (!has(self.restore) || self.restore == oldSelf.restore)',
  fromReplica:
    '!has(self.backup) || !has(self.backup.backupFromReplica) || !self.backup.backupFromReplica || self.replicas >= 2',
} as const;

const CRON = new RegExp(CRON_PATTERN);
const TIME = new RegExp(TIME_PATTERN);

/** Mirrors of {@link BACKUP_RULES}; total like every mirror (wrong types pass, the schema reports them). */
export const BACKUP_MIRRORS: Readonly<Record<string, Mirror>> = {
  [BACKUP_RULES.oneStore]: (self) =>
    !isObj(self) || ['s3', 'gcs', 'azure'].filter((k) => has(self, k)).length === 1,
  [BACKUP_RULES.s3Region]: (self) => !isObj(self) || has(self, 'endpoint') || has(self, 'region'),
  [BACKUP_RULES.cron]: (self) => typeof self !== 'string' || CRON.test(self),
  [BACKUP_RULES.pathOrCluster]: (self) => !isObj(self) || has(self, 'path') !== has(self, 'cluster'),
  [BACKUP_RULES.credentialsOrIdentity]: (self) =>
    !isObj(self) || has(self, 'credentialsSecret') !== has(self, 'identity'),
  [BACKUP_RULES.target]: (self) => !isObj(self) || has(self, 'time') !== (self['latest'] === true),
  [BACKUP_RULES.time]: (self) => typeof self !== 'string' || TIME.test(self),
  [BACKUP_RULES.passphrase]: (self) =>
    !isObj(self) || self['method'] === 'pgp' || !has(self['keySecret'], 'passphraseKey'),
  [BACKUP_RULES.restoreImmutable]: (self, oldSelf) => {
    const [now, before] = [
      isObj(self) ? self['restore'] : undefined,
      isObj(oldSelf) ? oldSelf['restore'] : undefined,
    ];
    return (now === undefined) === (before === undefined) && (now === undefined || celEqual(now, before));
  },
  [BACKUP_RULES.fromReplica]: (self) => {
    const backup = isObj(self) ? self['backup'] : undefined;
    if (!isObj(backup) || backup['backupFromReplica'] !== true) return true;
    const replicas = (self as Obj)['replicas'];
    return typeof replicas !== 'number' || replicas >= 2;
  },
};

interface Identity {
  name: string;
  namespace: string;
  uid: string;
}

/**
 * The archive-overlap check on a spec that passed the schema and the CEL mirrors (the caller runs it
 * only then, so the shapes are those of the CRD).
 */
export function backupErrors(id: Identity, spec: unknown): FieldError[] {
  if (!isObj(spec) || !isObj(spec['backup']) || !isObj(spec['restore'])) return [];
  const version = typeof spec['version'] === 'string' ? spec['version'] : '';
  try {
    const live = resolveBackup(id, spec['backup'] as unknown as BackupSpec, version);
    const source = resolveRestore(id, spec['restore'] as unknown as RestoreSpec, version);
    const identity = identityErrors({ backup: live, restore: source });
    if (!archivesOverlap(live, source)) return identity;
    return [
      {
        path: 'spec.backup.path',
        message: `the cluster's archive ${live.prefix} would overlap the restore source ${source.prefix}: choose another backup.path or bucket`,
      },
      ...identity,
    ];
  } catch {
    return []; // an incomplete backup or restore: the schema reports what is missing
  }
}
