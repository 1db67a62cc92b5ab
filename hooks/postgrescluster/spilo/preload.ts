/**
 * `shared_preload_libraries`: Spilo's own libraries plus the user's, never the user's alone.
 *
 * Spilo computes its own list only when the user's configuration has none: `configure_spilo.py`
 * `main()` appends its version-dependent extensions (spilo_commons.py `append_extensions()`) to the
 * template value only if `shared_preload_libraries` is absent from `SPILO_CONFIGURATION`'s
 * `postgresql.parameters`. A user value therefore replaced the whole list, and `post_init.sh` (run by
 * Patroni after initdb) then failed on `CREATE EXTENSION IF NOT EXISTS pg_cron` (pg_cron refuses to
 * be created unless preloaded): Patroni discards a bootstrap whose post_init fails, and the member
 * crash-loops. On a running cluster the same value silently dropped bg_mon, pgextwlist, pg_auth_mon,
 * set_user and pg_cron at the next restart.
 *
 * So pgmeta renders the parameter only when the user sets it, and then as Spilo's list for the
 * cluster's major (computed here as Spilo computes it) followed by the user's libraries that are not
 * in it yet, in the user's order. Without a user value nothing is rendered and Spilo computes its own.
 * The spec validation refuses a library the image does not ship (see {@link preloadProblem}).
 */
import type { PgMajor } from '../spec/resolved.js';

export const PRELOAD_PARAMETER = 'shared_preload_libraries';

/**
 * The template value of Spilo 4.0-p3 (`configure_spilo.py`, `TEMPLATE`,
 * `postgresql.parameters.shared_preload_libraries`), in its order.
 */
export const SPILO_TEMPLATE_PRELOAD = [
  'bg_mon',
  'pg_stat_statements',
  'pgextwlist',
  'pg_auth_mon',
  'set_user',
];

/**
 * The entries of Spilo 4.0-p3's `extensions` table (spilo_commons.py) whose
 * shared_preload_libraries flag is true, in the table's order, with the majors they apply to
 * (`min_version <= version <= max_version`). `pg_partman` is in the table for extwlist only, and
 * `pg_mon` only when `ENABLE_PG_MON=true`, which pgmeta never sets.
 */
const SPILO_VERSIONED_PRELOAD: readonly { name: string; min: number; max: number }[] = [
  { name: 'timescaledb', min: 9.6, max: 17 },
  { name: 'pg_cron', min: 9.5, max: 17 },
  { name: 'pg_stat_kcache', min: 9.4, max: 17 },
];

/**
 * The majors whose Spilo list can be derived from the pinned source: those of the spilo-17 4.0-p3
 * image. PostgreSQL 18 runs on the spilo-18 4.1 line, whose scripts pgmeta has not read.
 */
const DERIVED_MAJORS: ReadonlySet<PgMajor> = new Set(['13', '14', '15', '16', '17']);

/**
 * Spilo's own list for a major, as `append_extensions(template, version)` computes it: the template's
 * libraries, then each versioned extension whose range holds the major; undefined when unknown (18).
 */
export function spiloPreloadLibraries(major: PgMajor): string[] | undefined {
  if (!DERIVED_MAJORS.has(major)) return undefined;
  const version = Number(major);
  const versioned = SPILO_VERSIONED_PRELOAD.filter((e) => e.min <= version && version <= e.max);
  return [...SPILO_TEMPLATE_PRELOAD, ...versioned.map((e) => e.name)];
}

/**
 * Libraries of the spilo-17 4.0-p3 image that are meant to be preloaded, besides Spilo's own:
 * - PostgreSQL's contrib modules documented for shared_preload_libraries (`postgresql-contrib-N`);
 * - modules base.sh installs for every major: the pgaudit, pglogical, pglogical-ticker,
 *   plpgsql-check, pldebugger (`plugin_debugger`), partman (`pg_partman_bgw`), hypopg and decoderbufs
 *   packages, and the pg_mon and plprofiler it builds from source.
 * `basic_archive` is left out on purpose: archiving is pgmeta's (archive_library is refused).
 * @see zalando/spilo 4.0-p3 postgres-appliance/build_scripts/base.sh
 */
const IMAGE_PRELOADABLE = [
  'auth_delay',
  'auto_explain',
  'decoderbufs',
  'hypopg',
  'passwordcheck',
  'pg_mon',
  'pg_partman_bgw',
  'pg_prewarm',
  'pgaudit',
  'pglogical',
  'pglogical_ticker',
  'plpgsql_check',
  'plprofiler',
  'plugin_debugger',
];

/** Every library a user may name for a major (Spilo's own included), sorted; empty when unknown. */
export function preloadableLibraries(major: PgMajor): string[] {
  const spilo = spiloPreloadLibraries(major);
  if (spilo === undefined) return [];
  return [...new Set([...spilo, ...IMAGE_PRELOADABLE])].sort();
}

/** The names of a `shared_preload_libraries` value: comma-separated, blanks around names ignored. */
export function splitLibraries(value: string): string[] {
  return value
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

/** Why pgmeta refuses a user's `shared_preload_libraries` value for a major, or undefined. */
export function preloadProblem(major: PgMajor, value: string): string | undefined {
  if (spiloPreloadLibraries(major) === undefined) {
    return (
      `PostgreSQL ${major} runs on the spilo-18 image, whose own preload list pgmeta cannot merge yet: ` +
      'leave shared_preload_libraries unset'
    );
  }
  const allowed = preloadableLibraries(major);
  const unknown = splitLibraries(value).filter((name) => !allowed.includes(name));
  if (unknown.length === 0) return undefined;
  return (
    `${unknown.join(', ')}: not a library the Spilo image provides for preloading ` +
    `(one of ${allowed.join(', ')}); Spilo's own libraries are always loaded`
  );
}

/**
 * The value pgmeta renders for a user's `shared_preload_libraries`: Spilo's list for the major, then
 * the user's libraries not in it, each once, in the order given. The validation refuses majors
 * without a known Spilo list, so this never sees one; it would keep the user's value alone.
 */
export function mergedPreloadLibraries(major: PgMajor, userValue: string): string {
  const merged = new Set([...(spiloPreloadLibraries(major) ?? []), ...splitLibraries(userValue)]);
  return [...merged].join(',');
}
