/**
 * Names, labels and annotation keys of a PostgresDatabase's children, in one place (STYLE rule 5).
 */
import { createHash } from 'node:crypto';
import { RECOMMENDED_LABELS } from '../lib/labels.js';

/** Identity of the parent, from its metadata. */
export interface DatabaseIdentity {
  name: string;
  namespace: string;
  uid: string;
}

export const ANNOTATIONS = {
  /** `"true"`: the response builder refuses to drop the child (credentials, docs/architecture.md rule 3). */
  protected: 'pgmeta.io/protected',
  /** On a role Secret: the role it holds credentials for (role names need not be valid label values). */
  role: 'pgmeta.io/role',
  /** On a Job: the full revision (hash) of the SQL it applies. */
  revision: 'pgmeta.io/sql-revision',
  /** On a Job: `apply` or `delete`. */
  action: 'pgmeta.io/sql-action',
} as const;

/** The Kubernetes recommended labels, used on every child. */
export const LABELS = RECOMMENDED_LABELS;

export const COMPONENTS = { credentials: 'database-credentials', sql: 'database-sql' } as const;

/** Labels of every child. The parent's name is not one: it may be longer than a label value allows. */
export function childLabels(component: (typeof COMPONENTS)[keyof typeof COMPONENTS]): Record<string, string> {
  return {
    [LABELS.name]: 'postgresdatabase',
    [LABELS.managedBy]: 'pgmeta',
    [LABELS.component]: component,
    [LABELS.partOf]: 'pgmeta',
  };
}

export function shortHash(text: string, length: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * The default Secret name of a role: `<parent>-<role>`, with `_` written as `-` (`shop_app` →
 * `shop-shop-app`), when that makes a DNS label; otherwise a readable slug of the role name plus a
 * hash of the exact name. Two roles mapping to one name are reported by validation.
 */
export function defaultSecretName(parent: string, role: string): string {
  const dashed = role.replaceAll('_', '-');
  if (DNS_LABEL.test(dashed) && dashed.length <= 63) return `${parent}-${dashed}`;
  const slug = role
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 30)
    .replace(/-+$/, '');
  return `${parent}-${slug === '' ? 'role' : slug}-${shortHash(role, 8)}`;
}

export type JobAction = 'apply' | 'delete';

/**
 * The SQL Job's name: a prefix of the parent's name, the action and a hash of what it applies, so a
 * changed script is a new Job. At most 63 characters (the Job controller copies the name into the
 * `job-name` label of its pods).
 */
export function jobName(parent: string, action: JobAction, revision: string): string {
  const prefix = parent.slice(0, 40).replace(/[^a-z0-9]+$/, '');
  return `${prefix}-${action === 'apply' ? 'sql' : 'drop'}-${revision.slice(0, 10)}`;
}
