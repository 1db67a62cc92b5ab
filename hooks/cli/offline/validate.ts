/**
 * `pgmeta validate -f FILE`: every spec error of every pgmeta object in the file, with its field
 * path, through the same checks the hooks run (exit 1 when any).
 */
import { withPlaceholderIdentity, type KubeObject } from '../../lib/k8s.js';
import { checkBackupObject } from '../../postgresbackup/spec.js';
import { checkSpec as checkCluster } from '../../postgrescluster/spec/index.js';
import { withLoggingDefault } from '../../postgrescluster/spec/logging.js';
import { checkSpec as checkDatabase } from '../../postgresdatabase/spec/index.js';
import type { CliIo } from '../io.js';

export interface FieldProblem {
  path: string;
  message: string;
}

export function specProblems(o: KubeObject): FieldProblem[] {
  const parent = withPlaceholderIdentity(o);
  const result =
    o.kind === 'PostgresCluster'
      ? // Checked as a new cluster, which gets the logging default (spec/logging.ts).
        checkCluster(withLoggingDefault(parent, undefined))
      : o.kind === 'PostgresDatabase'
        ? checkDatabase(parent)
        : checkBackupObject(parent);
  return result.ok ? [] : result.errors;
}

/** Prints each object's verdict; returns how many are invalid. */
export function validateObjects(objects: readonly KubeObject[], io: CliIo): number {
  let failed = 0;
  for (const o of objects) {
    const problems = specProblems(o);
    const label =
      objects.length > 1 && new Set(objects.map((x) => x.kind)).size > 1
        ? `${o.kind} ${o.metadata.name}`
        : o.metadata.name;
    if (problems.length === 0) io.out(`${label}: valid`);
    else failed++;
    for (const e of problems) io.out(`${label}: ${e.path}: ${e.message}`);
  }
  return failed;
}
