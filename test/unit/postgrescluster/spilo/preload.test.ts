/**
 * shared_preload_libraries: Spilo's own list plus the user's (issue 14, item 1).
 *
 * The expected lists are Spilo 4.0-p3's, read in its source: the template value in
 * `configure_spilo.py` (`TEMPLATE`, postgresql.parameters.shared_preload_libraries), extended by
 * `spilo_commons.py` `append_extensions()` with the `extensions` table entries whose preload flag is
 * set and whose version range holds the major (timescaledb, pg_cron, pg_stat_kcache: 13..17).
 * `configure_spilo.py` `main()` calls it only when the user's `postgresql.parameters` has no
 * `shared_preload_libraries`; `post_init.sh` then runs `CREATE EXTENSION IF NOT EXISTS pg_cron`.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { spiloConfiguration } from '../../../../hooks/postgrescluster/spilo/configuration.js';
import {
  mergedPreloadLibraries,
  preloadableLibraries,
  preloadProblem,
  spiloPreloadLibraries,
} from '../../../../hooks/postgrescluster/spilo/preload.js';
import { checkParams } from '../../../../hooks/postgrescluster/spec/params.js';
import type { PgMajor } from '../../../../hooks/postgrescluster/spec/resolved.js';
import { aCluster } from '../../../support/cluster-fixture.js';
import { pgBin } from '../../../support/pgbin.js';

const SPILO_17 =
  'bg_mon,pg_stat_statements,pgextwlist,pg_auth_mon,set_user,timescaledb,pg_cron,pg_stat_kcache';

describe("Spilo's own preload list", () => {
  it.each(['13', '14', '15', '16', '17'] as const)(
    'for %s is the template plus the versioned extensions',
    (m) => {
      expect(spiloPreloadLibraries(m)?.join(',')).toBe(SPILO_17);
    },
  );

  it('is unknown for 18 (spilo-18 4.1 is not the pinned source)', () => {
    expect(spiloPreloadLibraries('18')).toBeUndefined();
  });

  it("always contains pg_cron, which Spilo's post_init creates", () => {
    for (const m of ['13', '14', '15', '16', '17'] as const)
      expect(spiloPreloadLibraries(m)).toContain('pg_cron');
  });
});

describe('libraries the image ships', () => {
  /** PostgreSQL's own modules: the same contrib build as the image's postgresql-contrib-N. */
  const CONTRIB = ['auth_delay', 'auto_explain', 'passwordcheck', 'pg_prewarm', 'pg_stat_statements'];

  it.each(['13', '14', '15', '16', '17'] as const)('the contrib ones exist in PostgreSQL %s', (m) => {
    const libs = readdirSync(join(pgBin(m), '..', 'lib', 'postgresql'));
    const named = preloadableLibraries(m).filter((l) => CONTRIB.includes(l));
    expect(named.sort()).toEqual([...CONTRIB].sort());
    for (const l of named) expect(libs).toContain(`${l}.so`);
  });
});

describe('SPILO_CONFIGURATION with a user shared_preload_libraries', () => {
  const rendered = (major: PgMajor, value: string): string | undefined =>
    spiloConfiguration(aCluster().withVersion(major).withParams({ shared_preload_libraries: value }).build())
      .postgresql.parameters['shared_preload_libraries'];

  it("keeps Spilo's libraries first, then the user's", () => {
    expect(rendered('17', 'auto_explain')).toBe(`${SPILO_17},auto_explain`);
  });

  it('names each library once, in a stable order, blanks and empty entries dropped', () => {
    expect(rendered('15', ' pg_cron , auto_explain,,pgaudit,auto_explain ')).toBe(
      `${SPILO_17},auto_explain,pgaudit`,
    );
  });

  it("an empty value still loads Spilo's list", () => {
    expect(rendered('16', '')).toBe(SPILO_17);
  });

  it('is not rendered when the user sets none: Spilo computes its own list', () => {
    const params = spiloConfiguration(aCluster().build()).postgresql.parameters;
    expect(params).not.toHaveProperty('shared_preload_libraries');
  });

  it('merging is idempotent and never loses a library', () => {
    const lib = fc.constantFrom(...preloadableLibraries('17'));
    fc.assert(
      fc.property(fc.array(lib, { maxLength: 8 }), (libs) => {
        const once = mergedPreloadLibraries('17', libs.join(','));
        expect(mergedPreloadLibraries('17', once)).toBe(once);
        const names = once.split(',');
        expect(new Set(names).size).toBe(names.length);
        for (const l of [...SPILO_17.split(','), ...libs]) expect(names).toContain(l);
      }),
    );
  });
});

describe('validation of shared_preload_libraries', () => {
  const errors = (major: PgMajor, value: string) => checkParams(major, { shared_preload_libraries: value });

  it('accepts libraries the image ships, Spilo’s own included', () => {
    expect(errors('17', 'auto_explain, pg_cron,pgaudit')).toEqual([]);
    expect(errors('13', 'pg_stat_statements')).toEqual([]);
  });

  it.each(['citus', 'pg_squeeze', '$libdir/auto_explain', '"auto_explain"', 'Auto_Explain', 'basic_archive'])(
    'refuses %p, which the image does not provide for preloading, at the field path',
    (value) => {
      const [error, ...rest] = errors('16', `auto_explain,${value}`);
      expect(rest).toEqual([]);
      expect(error?.path).toBe('spec.postgresqlParams.shared_preload_libraries');
      expect(error?.message).toContain(`${value}: not a library the Spilo image provides`);
    },
  );

  it('refuses any value for 18, whose Spilo list pgmeta cannot derive', () => {
    expect(errors('18', 'auto_explain')).toEqual([
      {
        path: 'spec.postgresqlParams.shared_preload_libraries',
        message: expect.stringContaining('leave shared_preload_libraries unset') as unknown as string,
      },
    ]);
    expect(preloadProblem('18', '')).toBeDefined();
  });
});
