/**
 * Patroni's own checks of the DCS-only parameters, on top of PostgreSQL's.
 *
 * Patroni 4.0.4 keeps, for each parameter it passes on the postmaster command line, a default and a
 * validator (`ConfigHandler.CMDLINE_OPTIONS` in patroni/postgresql/config.py). When the dynamic
 * configuration holds a value the validator rejects, `Config._process_postgresql_parameters`
 * (patroni/config.py) logs a warning and drops it, so the default from `Config.__DEFAULT_CONFIG` wins:
 * PostgreSQL then runs a value nobody asked for, and nothing but a log line says so. pgmeta refuses
 * those values instead, so the spec never claims something the server does not run.
 *
 * The validators (patroni/validator.py `IntValidator`, `EnumValidator`; config.py `_bool_validator`):
 * - integers are read as `utils.parse_int` reads them (C strtol/strtod, an optional unit converted to the
 *   base unit, then rounded half to even), which is how PostgreSQL reads them too, so pgmeta reads them
 *   with its PostgreSQL reader (pgparse.ts) and compares with Patroni's minimum;
 * - booleans must be exactly one of `utils.parse_bool`'s words (any case), not PostgreSQL's prefixes;
 * - `wal_level` must be one of three names, any case.
 *
 * Per major: each entry also names the first PostgreSQL version Patroni passes it for (the third field of
 * the table). Every major pgmeta supports (13+) is past all of them; `wal_keep_segments` no longer exists
 * there (Patroni turns it into `wal_keep_size`), and PostgreSQL's own table already refuses it.
 * `listen_addresses`, `port` and `cluster_name` (always rejected: Patroni sets them) and `hot_standby`
 * (must be on) are refused by the spec as settings pgmeta owns, so they are not repeated here.
 */
import { asciiLower, parseInteger } from '../spec/pgparse.js';

/** What Patroni accepts for one parameter, and what it runs instead of a value it rejects. */
export type PatroniValidator =
  | { kind: 'int'; min: number; unit?: 'MB'; fallback: string }
  | { kind: 'bool'; fallback: string }
  | { kind: 'enum'; values: readonly string[]; fallback: string };

/**
 * Patroni 4.0.4's validators of the DCS-only parameters (patroni/postgresql/config.py,
 * `ConfigHandler.CMDLINE_OPTIONS`). `wal_keep_size` falls back to 128MB: Patroni has no default for it
 * in the dynamic configuration, and `ConfigHandler.get_server_parameters` derives it from the default
 * `wal_keep_segments` (8) times 16MB. `wal_level`'s default `hot_standby` is PostgreSQL's `replica`.
 */
export const PATRONI_VALIDATORS: Readonly<Record<string, PatroniValidator>> = {
  max_connections: { kind: 'int', min: 25, fallback: '100' },
  max_wal_senders: { kind: 'int', min: 3, fallback: '10' },
  wal_keep_size: { kind: 'int', min: 16, unit: 'MB', fallback: '128MB' },
  max_prepared_transactions: { kind: 'int', min: 0, fallback: '0' },
  max_locks_per_transaction: { kind: 'int', min: 32, fallback: '64' },
  max_replication_slots: { kind: 'int', min: 4, fallback: '10' },
  max_worker_processes: { kind: 'int', min: 2, fallback: '8' },
  track_commit_timestamp: { kind: 'bool', fallback: 'off' },
  wal_log_hints: { kind: 'bool', fallback: 'on' },
  wal_level: { kind: 'enum', values: ['hot_standby', 'replica', 'logical'], fallback: 'hot_standby' },
};

/** `utils.parse_bool`'s words: the whole value, lower-cased, nothing trimmed. */
const PATRONI_BOOL_WORDS = new Set(['on', 'true', 'yes', '1', 'off', 'false', 'no', '0']);

/** Whether Patroni's validator accepts `value` (a value it rejects is replaced by `fallback`). */
export function patroniAccepts(v: PatroniValidator, value: string): boolean {
  switch (v.kind) {
    case 'int': {
      const read = parseInteger(value, v.unit);
      return read.ok && read.value >= v.min;
    }
    case 'bool':
      return PATRONI_BOOL_WORDS.has(value.toLowerCase());
    case 'enum':
      return v.values.includes(asciiLower(value));
  }
}

function accepted(v: PatroniValidator): string {
  switch (v.kind) {
    case 'int':
      return `at least ${v.min}${v.unit ?? ''}`;
    case 'bool':
      return 'on, off, true, false, yes, no, 1 or 0 (whole words)';
    case 'enum':
      return `one of ${v.values.join(', ')}`;
  }
}

/**
 * Why Patroni would reject `value` for the DCS-only parameter `name`, or undefined when it accepts it
 * (or does not check `name`). The message says what Patroni accepts and what it would run instead.
 */
export function patroniProblem(name: string, value: string): string | undefined {
  const v = PATRONI_VALIDATORS[name.toLowerCase()];
  if (v === undefined || patroniAccepts(v, value)) return undefined;
  return (
    `Patroni accepts ${accepted(v)} for ${name}; it would drop this value with a warning in its log ` +
    `and silently run PostgreSQL with its default ${v.fallback}`
  );
}

/**
 * The value Patroni runs for a DCS parameter: the value itself when its validator accepts it, else the
 * default (for models of Patroni, e.g. the lifecycle simulation).
 */
export function patroniEffectiveValue(name: string, value: string): string {
  const v = PATRONI_VALIDATORS[name.toLowerCase()];
  return v === undefined || patroniAccepts(v, value) ? value : v.fallback;
}
