/**
 * Majors the CRD names but pgmeta does not run yet, and why: `spec.version` set to one of them is an
 * invalid spec (SpecValid=False, the children of the last valid spec stay).
 *
 * PostgreSQL 18 ships only in Spilo's spilo-18 image (the 4.1 line); the spilo-17 4.0-p3 image pgmeta
 * uses carries 13 to 17 (postgres-appliance/Dockerfile, `PGVERSION=17`, `PGOLDVERSIONS="13 14 15
 * 16"`). No released 4.1 source could be read, and the WAL-E removal that leads to it (the
 * zalando/spilo `remove-wale` branch, postgres-appliance/scripts/configure_spilo.py) renames what
 * pgmeta hands to Spilo: `CLONE_METHOD` must become `CLONE_WITH_WALG` (`get_placeholders`; with
 * pgmeta's `CLONE_WITH_WALE` no clone happens and an empty database bootstraps in place of the
 * restore), the envdir moves from `/run/etc/wal-e.d/env` to `/run/etc/wal-g.d/env` (Dockerfile
 * `WALG_ENV_DIR`; the backup Job's envdir), and `WALE_S3_ENDPOINT`, `WALE_S3_PREFIX` and
 * `WALE_GS_PREFIX` leave the envdir list (`write_walg_environment`). 18 stays refused until that line
 * is released and pgmeta's environment is checked against it.
 */
import type { FieldError } from '../../lib/field-errors.js';
import type { PgMajor } from './resolved.js';

/** The refusal of each major that pgmeta does not run yet. */
export const UNSUPPORTED_MAJORS: Readonly<Partial<Record<PgMajor, string>>> = {
  '18':
    'PostgreSQL 18 is not supported yet: it ships only in the spilo-18 image (Spilo 4.1), whose ' +
    'scripts rename the restore, archive and backup settings pgmeta gives Spilo; use 13 to 17',
};

/** The `spec.version` error of an unsupported major; none for any other value (the schema checks those). */
export function majorErrors(spec: unknown): FieldError[] {
  if (typeof spec !== 'object' || spec === null) return [];
  const version = (spec as { version?: unknown }).version;
  if (typeof version !== 'string' || !Object.hasOwn(UNSUPPORTED_MAJORS, version)) return [];
  const message = UNSUPPORTED_MAJORS[version as PgMajor];
  return message === undefined ? [] : [{ path: 'spec.version', message }];
}
