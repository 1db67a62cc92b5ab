/**
 * `spec.postgresqlParams` against the real settings of the requested major: names, types, units,
 * ranges and enum values come from `params/pgNN.json`, generated from each server by
 * `scripts/gen-pg-params.ts`; values are read the way the server reads them (pgparse.ts).
 *
 * Why in the hook: Patroni writes these into postgresql.conf, and a bad value is only noticed when
 * PostgreSQL next starts, i.e. during a failover or a rolling restart. Catching it here turns that
 * into a SpecValid=False condition that names the setting, with the running cluster untouched.
 */
import { childPath, type FieldError } from '../../lib/field-errors.js';
import pg13 from './params/pg13.json';
import pg14 from './params/pg14.json';
import pg15 from './params/pg15.json';
import pg16 from './params/pg16.json';
import pg17 from './params/pg17.json';
import pg18 from './params/pg18.json';
import { patroniProblem } from '../spilo/patroni-validators.js';
import { PRELOAD_PARAMETER, preloadProblem } from '../spilo/preload.js';
import { asciiLower, parseBool, parseInteger, parseReal, type NumberResult } from './pgparse.js';
import type { PgMajor } from './resolved.js';

/** One setting as PostgreSQL describes it (pg_settings), reduced to what validation needs. */
export interface ParamSpec {
  type: 'bool' | 'integer' | 'real' | 'string' | 'enum';
  /** pg_settings.context; `internal` settings cannot be set at all. */
  context: string;
  /** Base unit of a number: B, kB, MB, 8kB (pages), ms, s or min. */
  unit?: string;
  min?: number;
  max?: number;
  /** Enum values PostgreSQL lists. */
  values?: string[];
  /** Further spellings it accepts without listing them (e.g. `true` for synchronous_commit). */
  hidden?: string[];
}

/** The settings of one major, as written by scripts/gen-pg-params.ts. */
export interface ParamData {
  major: string;
  server: string;
  params: Record<string, ParamSpec>;
}

const DATA: Readonly<Record<PgMajor, ParamData>> = {
  '13': pg13 as ParamData,
  '14': pg14 as ParamData,
  '15': pg15 as ParamData,
  '16': pg16 as ParamData,
  '17': pg17 as ParamData,
  '18': pg18 as ParamData,
};

/** The settings data of one major (for tests and tools). */
export function paramData(major: PgMajor): ParamData {
  return DATA[major];
}

const TLS = 'spec.tls decides TLS, and Spilo provides the certificate files';
const RECOVERY = 'Patroni writes the recovery configuration of replicas and clones';
const ARCHIVE =
  "pgmeta configures WAL archiving with WAL-G (a later spec.backup); Spilo's archiving must stay on";
const PATHS = 'Spilo lays out the data directory and configuration files on the volume';
const SOCKET = 'Patroni and Spilo connect through the Unix socket in /var/run/postgresql';
const SESSION = 'a per-session setting that postgresql.conf ignores; use the default_transaction_* setting';

/**
 * Settings users must not set, and why. They either break the contract between Patroni, Spilo and
 * pgmeta (addresses, ports, paths, recovery, archiving, TLS files, synchronous standbys) or are
 * silently ignored in postgresql.conf, which would leave the user believing something false.
 */
export const OWNED_PARAMS: Readonly<Record<string, string>> = {
  listen_addresses: 'Patroni makes PostgreSQL listen on the pod address that the Services route to',
  port: 'the Services, Patroni and the credential Secrets use 5432',
  cluster_name: 'Patroni sets it to the cluster scope',
  hot_standby: 'Patroni needs replicas that accept read-only queries',
  synchronous_standby_names: 'Patroni sets it from spec.synchronous',
  data_directory: PATHS,
  config_file: PATHS,
  hba_file: `${PATHS}; use spec.pgHba for extra rules`,
  ident_file: PATHS,
  external_pid_file: PATHS,
  unix_socket_directories: SOCKET,
  unix_socket_group: SOCKET,
  unix_socket_permissions: SOCKET,
  archive_mode: ARCHIVE,
  archive_command: ARCHIVE,
  archive_library: ARCHIVE,
  restore_command: RECOVERY,
  archive_cleanup_command: RECOVERY,
  recovery_end_command: RECOVERY,
  primary_conninfo: RECOVERY,
  primary_slot_name: RECOVERY,
  promote_trigger_file: RECOVERY,
  recovery_target: RECOVERY,
  recovery_target_action: RECOVERY,
  recovery_target_inclusive: RECOVERY,
  recovery_target_lsn: RECOVERY,
  recovery_target_name: RECOVERY,
  recovery_target_time: RECOVERY,
  recovery_target_timeline: RECOVERY,
  recovery_target_xid: RECOVERY,
  ssl: TLS,
  ssl_cert_file: TLS,
  ssl_key_file: TLS,
  ssl_ca_file: TLS,
  ssl_crl_file: TLS,
  ssl_crl_dir: TLS,
  ssl_passphrase_command: TLS,
  ssl_passphrase_command_supports_reload: TLS,
  transaction_isolation: SESSION,
  transaction_read_only: SESSION,
  transaction_deferrable: SESSION,
};

/** A name postgresql.conf can hold: an identifier, or one `prefix.name` for extension settings. */
const NAME = /^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/;

function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(6)));
}

function checkNumber(spec: ParamSpec, read: NumberResult): string | undefined {
  if (!read.ok) return read.reason;
  const { min, max, unit } = spec;
  if ((min !== undefined && read.value < min) || (max !== undefined && read.value > max)) {
    const bounds = `${formatNumber(min ?? -Infinity)} .. ${formatNumber(max ?? Infinity)}`;
    return `${formatNumber(read.value)} is outside the valid range ${bounds}${unit === undefined ? '' : ` (in ${unit})`}`;
  }
  return undefined;
}

function checkEnum(spec: ParamSpec, value: string): string | undefined {
  const accepted = [...(spec.values ?? []), ...(spec.hidden ?? [])].map(asciiLower);
  if (accepted.includes(asciiLower(value))) return undefined;
  return `must be one of ${(spec.values ?? []).join(', ')}`;
}

/** Why PostgreSQL would refuse `value` for this setting, or undefined when it accepts it. */
export function valueProblem(spec: ParamSpec, value: string): string | undefined {
  switch (spec.type) {
    case 'bool':
      return parseBool(value) === undefined
        ? 'must be a boolean: on, off, true, false, yes, no, 1 or 0'
        : undefined;
    case 'integer':
      return checkNumber(spec, parseInteger(value, spec.unit));
    case 'real':
      return checkNumber(spec, parseReal(value, spec.unit));
    case 'enum':
      return checkEnum(spec, value);
    case 'string':
      return undefined;
  }
}

/**
 * Rules pgmeta adds on top of PostgreSQL's, for values that PostgreSQL accepts but that break HA, that
 * only fail when the server starts (a preload library the image does not have), or that Patroni would
 * replace with its default without saying so (its validators of the DCS-only parameters).
 */
function policyProblem(major: PgMajor, name: string, value: string): string | undefined {
  if (name === 'wal_level' && asciiLower(value) === 'minimal') {
    return 'replicas need wal_level replica or logical';
  }
  if (name === PRELOAD_PARAMETER) return preloadProblem(major, value);
  // pgmeta's pg_hba admits passwords by SCRAM only (spilo/hba.ts) and pgmeta sends SCRAM verifiers:
  // md5 would be overridden by pgmeta's own value (PGMETA_LOCAL_PARAMETERS), so say so instead.
  if (name === 'password_encryption' && asciiLower(value) !== 'scram-sha-256') {
    return 'pgmeta stores passwords as SCRAM verifiers only (pg_hba admits SCRAM, not md5): leave it unset or scram-sha-256';
  }
  return patroniProblem(name, value);
}

function nameProblem(name: string, major: PgMajor): string | undefined {
  if (!NAME.test(name)) {
    return NAME.test(asciiLower(name))
      ? 'setting names are lower case here, so that Patroni and pgmeta recognise them'
      : 'is not a valid setting name';
  }
  const owned = OWNED_PARAMS[name];
  if (owned !== undefined) return `is managed by pgmeta: ${owned}`;
  if (name.includes('.')) return undefined; // an extension's setting: PostgreSQL accepts any value
  const spec = DATA[major].params[name];
  if (spec === undefined) return `unknown setting for PostgreSQL ${major}`;
  if (spec.context === 'internal') return 'is read-only: it is fixed when PostgreSQL is built or initialized';
  return undefined;
}

/** The text PostgreSQL would read for a spec value (an int-or-string), or why it cannot be written. */
function valueText(raw: number | string): { text: string } | { problem: string } {
  if (typeof raw === 'number') {
    return Number.isSafeInteger(raw)
      ? { text: String(raw) }
      : { problem: 'too large for an unquoted integer: quote it' };
  }
  // postgresql.conf holds one quoted value per line: a line break or NUL cannot be written.
  if (/[\n\r\0]/.test(raw)) return { problem: 'must not contain line breaks or NUL characters' };
  return { text: raw };
}

/** Errors for one setting, with the setting's field path. */
function checkParam(major: PgMajor, name: string, raw: unknown): FieldError[] {
  const path = childPath('spec.postgresqlParams', name);
  const problem = nameProblem(name, major);
  if (problem !== undefined) return [{ path, message: problem }];
  if (typeof raw !== 'string' && typeof raw !== 'number') return []; // the schema reports the type
  const value = valueText(raw);
  if ('problem' in value) return [{ path, message: value.problem }];
  const spec = DATA[major].params[name];
  const reason = (spec && valueProblem(spec, value.text)) ?? policyProblem(major, name, value.text);
  return reason === undefined
    ? []
    : [{ path, message: `invalid value ${JSON.stringify(value.text)}: ${reason}` }];
}

/**
 * Every problem of `postgresqlParams` for the given major, each at `spec.postgresqlParams.<name>`.
 * Extension settings (`prefix.name`) are only checked for their name and line breaks.
 */
export function checkParams(major: PgMajor, params: Readonly<Record<string, unknown>>): FieldError[] {
  return Object.entries(params).flatMap(([name, raw]) => checkParam(major, name, raw));
}
