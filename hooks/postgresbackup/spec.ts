/**
 * Validation of a PostgresBackup: the rules of crds/postgresbackups.yaml, repeated here because the
 * hook must not act on an object the API server would have refused (an older API server, an object
 * written before a rule existed). The CRD is the source; a unit test runs both on the same cases.
 */
import type { KubeObject } from '../lib/k8s.js';
import type { FieldError } from '../lib/field-errors.js';
import { MAX_NAME_LENGTH } from './names.js';

/** A DNS-1123 label: the Job name and the pods' label value are built from it. */
export const BACKUP_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** PostgresCluster names: DNS-1035 labels of at most 40 characters. */
export const CLUSTER_NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
export const MAX_CLUSTER_NAME_LENGTH = 40;

export type BackupSpecResult = { ok: true; clusterName: string } | { ok: false; errors: FieldError[] };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function nameErrors(name: string): FieldError[] {
  const errors: FieldError[] = [];
  if (name.length > MAX_NAME_LENGTH) {
    errors.push({ path: 'metadata.name', message: `must be at most ${MAX_NAME_LENGTH} characters` });
  }
  if (!BACKUP_NAME.test(name)) {
    errors.push({
      path: 'metadata.name',
      message: "must be a DNS-1123 label: lower-case letters, digits and '-'",
    });
  }
  return errors;
}

function clusterRefErrors(spec: unknown): FieldError[] {
  if (!isObj(spec)) return [{ path: 'spec', message: 'required' }];
  const ref = spec['clusterRef'];
  if (!isObj(ref)) return [{ path: 'spec.clusterRef', message: 'required' }];
  const name = ref['name'];
  if (typeof name !== 'string') return [{ path: 'spec.clusterRef.name', message: 'required' }];
  if (name.length > MAX_CLUSTER_NAME_LENGTH || !CLUSTER_NAME.test(name)) {
    return [{ path: 'spec.clusterRef.name', message: 'must be the name of a PostgresCluster' }];
  }
  return [];
}

/** The cluster a PostgresBackup names, or every error with its field path. */
export function checkBackupObject(parent: KubeObject): BackupSpecResult {
  const errors = [...nameErrors(parent.metadata.name), ...clusterRefErrors(parent['spec'])];
  if (errors.length > 0) return { ok: false, errors };
  const spec = parent['spec'] as { clusterRef: { name: string } };
  return { ok: true, clusterName: spec.clusterRef.name };
}
