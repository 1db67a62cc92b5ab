/**
 * `spec.logging`: where PostgreSQL's own log goes, after defaults, and its checks.
 *
 * Absent, the field means two different things, and the difference is what keeps an upgrade of
 * pgmeta from restarting every cluster: a cluster that already has a last valid spec without it keeps
 * Spilo's CSV files (nothing rendered, the pod template unchanged), while a new cluster gets
 * {@link NEW_CLUSTER_LOGGING}. The choice is written into the spec pgmeta stores as the last valid one
 * ({@link withLoggingDefault}), so it stays put; it is never a CRD default, because the API server
 * applies CRD defaults to stored objects when it reads them, which would move every existing cluster.
 * @see docs/logging.md
 */
import type { PostgresClusterSpec } from '../../generated/postgrescluster.types.js';
import type { FieldError } from '../../lib/field-errors.js';
import type { KubeObject } from '../../lib/k8s.js';

export type LogDestination = 'stdout' | 'files';
export type LogFormat = 'text' | 'json' | 'csv';

/** The logging of a cluster; `ResolvedCluster.logging` is absent for Spilo's own CSV files. */
export interface ResolvedLogging {
  destination: LogDestination;
  format: LogFormat;
}

/** What a cluster created without `spec.logging` gets: its log in `kubectl logs`. */
export const NEW_CLUSTER_LOGGING = { destination: 'stdout' } as const;

/** jsonlog appeared in PostgreSQL 15 (its release notes; `log_destination` in the docs of 15). */
export const JSONLOG_MIN_MAJOR = 15;

/**
 * Settings spec.logging decides. A user value would undo it (the collector off with a file format
 * loses the log; a destination without the follower's file shows nothing), so they are refused once
 * the cluster has spec.logging; a cluster without it keeps today's freedom.
 */
export const LOGGING_OWNED_PARAMS = ['log_destination', 'logging_collector'] as const;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The parent with `spec.logging` filled when the user left it out: the last valid spec's value
 * (absent for a cluster older than the field: it keeps its files), or, for a new cluster (no last
 * valid spec), {@link NEW_CLUSTER_LOGGING}. Removing the field therefore keeps the current choice.
 */
export function withLoggingDefault(parent: KubeObject, previous: unknown): KubeObject {
  const spec = parent['spec'];
  if (!isObj(spec) || spec['logging'] !== undefined) return parent;
  const logging =
    previous === undefined ? NEW_CLUSTER_LOGGING : isObj(previous) ? previous['logging'] : undefined;
  if (logging === undefined) return parent;
  return { ...parent, spec: { ...spec, logging } };
}

/** The resolved logging, or undefined when Spilo's template decides (no `spec.logging`). */
export function resolveLogging(spec: PostgresClusterSpec): ResolvedLogging | undefined {
  if (spec.logging === undefined) return undefined;
  const destination = spec.logging.destination ?? NEW_CLUSTER_LOGGING.destination;
  const format = spec.logging.format ?? (destination === 'files' ? 'csv' : 'text');
  return { destination, format };
}

function formatErrors(logging: Obj, version: unknown): FieldError[] {
  const path = 'spec.logging.format';
  const format = logging['format'];
  if (format === 'csv' && logging['destination'] !== 'files') {
    return [{ path, message: 'csv is written to files only: set destination files, or use text or json' }];
  }
  if (format === 'json' && typeof version === 'string' && Number(version) < JSONLOG_MIN_MAJOR) {
    return [{ path, message: `json needs PostgreSQL ${JSONLOG_MIN_MAJOR} or later (jsonlog): use text` }];
  }
  return [];
}

function ownedParamErrors(params: unknown): FieldError[] {
  if (!isObj(params)) return [];
  return LOGGING_OWNED_PARAMS.filter((name) => params[name] !== undefined).map((name) => ({
    path: `spec.postgresqlParams.${name}`,
    message: 'is set by spec.logging (destination and format)',
  }));
}

/** Errors of `spec.logging` and of the settings it owns, with field paths. */
export function loggingErrors(spec: unknown): FieldError[] {
  if (!isObj(spec) || !isObj(spec['logging'])) return [];
  return [...formatErrors(spec['logging'], spec['version']), ...ownedParamErrors(spec['postgresqlParams'])];
}
