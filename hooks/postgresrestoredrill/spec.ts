/**
 * Validation of a PostgresRestoreDrill: the rules of crds/postgresrestoredrills.yaml, repeated because
 * the hook must not act on an object the API server would have refused (an older API server, an
 * object written before a rule existed). The CRD is the source; a unit test runs both on the same cases.
 */
import type { FieldError } from '../lib/field-errors.js';
import type { KubeObject } from '../lib/k8s.js';
import { CLUSTER_NAME, MAX_CLUSTER_NAME_LENGTH } from '../postgresbackup/spec.js';

/** A DNS-1123 label: the name is the value of the label on the check Job's pods. */
export const DRILL_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const MAX_DRILL_NAME_LENGTH = 63;
/** An hour: enough to fetch and replay a moderate archive; larger ones set their own. */
export const DEFAULT_TIMEOUT_SECONDS = 3600;
export const DEFAULT_AMCHECK_SAMPLE = 10;
export const LIMITS = {
  timeoutSeconds: { min: 60, max: 604_800 },
  amcheckSample: { min: 0, max: 1000 },
  query: 4096,
  expect: 1024,
} as const;

/** A drill's spec with defaults applied. */
export interface DrillObjectSpec {
  clusterName: string;
  timeoutSeconds: number;
  resources?: Record<string, unknown>;
  checks: { amcheckSample: number; database?: string; query?: string; expect: string };
}

export type DrillSpecResult = { ok: true; spec: DrillObjectSpec } | { ok: false; errors: FieldError[] };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function nameErrors(name: string): FieldError[] {
  return name.length > MAX_DRILL_NAME_LENGTH || !DRILL_NAME.test(name)
    ? [{ path: 'metadata.name', message: 'must be a DNS-1123 label of at most 63 characters' }]
    : [];
}

function intErrors(path: string, v: unknown, range: { min: number; max: number }): FieldError[] {
  if (v === undefined) return [];
  return Number.isInteger(v) && (v as number) >= range.min && (v as number) <= range.max
    ? []
    : [{ path, message: `must be an integer from ${range.min} to ${range.max}` }];
}

function textErrors(path: string, v: unknown, max: number): FieldError[] {
  if (v === undefined) return [];
  return typeof v === 'string' && v.length <= max
    ? []
    : [{ path, message: `must be a string of at most ${max} characters` }];
}

function checksErrors(checks: unknown): FieldError[] {
  if (checks === undefined) return [];
  if (!isObj(checks)) return [{ path: 'spec.checks', message: 'must be an object' }];
  const database = checks['database'];
  return [
    ...intErrors('spec.checks.amcheckSample', checks['amcheckSample'], LIMITS.amcheckSample),
    ...(database === undefined || (typeof database === 'string' && /^[^\s]{1,63}$/.test(database))
      ? []
      : [{ path: 'spec.checks.database', message: 'must be a database name of at most 63 characters' }]),
    ...textErrors('spec.checks.query', checks['query'], LIMITS.query),
    ...textErrors('spec.checks.expect', checks['expect'], LIMITS.expect),
    ...(checks['expect'] !== undefined && checks['query'] === undefined
      ? [{ path: 'spec.checks.expect', message: 'needs spec.checks.query' }]
      : []),
  ];
}

function specErrors(spec: unknown): FieldError[] {
  if (!isObj(spec)) return [{ path: 'spec', message: 'required' }];
  const ref = spec['clusterRef'];
  const name = isObj(ref) ? ref['name'] : undefined;
  const refErrors =
    typeof name === 'string' && name.length <= MAX_CLUSTER_NAME_LENGTH && CLUSTER_NAME.test(name)
      ? []
      : [{ path: 'spec.clusterRef.name', message: 'must be the name of a PostgresCluster' }];
  const resources = spec['resources'];
  return [
    ...refErrors,
    ...intErrors('spec.timeoutSeconds', spec['timeoutSeconds'], LIMITS.timeoutSeconds),
    ...(resources === undefined || isObj(resources)
      ? []
      : [{ path: 'spec.resources', message: 'must be an object' }]),
    ...checksErrors(spec['checks']),
  ];
}

/** The drill's spec with defaults, or every error with its field path. */
export function checkDrillObject(parent: KubeObject): DrillSpecResult {
  const errors = [...nameErrors(parent.metadata.name), ...specErrors(parent['spec'])];
  if (errors.length > 0) return { ok: false, errors };
  const spec = parent['spec'] as Obj & { clusterRef: { name: string } };
  const checks = (spec['checks'] ?? {}) as Partial<DrillObjectSpec['checks']>;
  return {
    ok: true,
    spec: {
      clusterName: spec.clusterRef.name,
      timeoutSeconds: (spec['timeoutSeconds'] as number | undefined) ?? DEFAULT_TIMEOUT_SECONDS,
      ...(spec['resources'] === undefined ? {} : { resources: spec['resources'] as Obj }),
      checks: {
        amcheckSample: checks.amcheckSample ?? DEFAULT_AMCHECK_SAMPLE,
        ...(checks.database === undefined ? {} : { database: checks.database }),
        ...(checks.query === undefined ? {} : { query: checks.query }),
        expect: checks.expect ?? '',
      },
    },
  };
}
