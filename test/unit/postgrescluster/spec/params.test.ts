import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { checkParams, OWNED_PARAMS, paramData } from '../../../../hooks/postgrescluster/spec/params.js';
import {
  convertUnit,
  parseBool,
  parseInteger,
  parseReal,
  rint,
  strtod,
  strtol,
} from '../../../../hooks/postgrescluster/spec/pgparse.js';
import { SUPPORTED_MAJORS, type PgMajor } from '../../../../hooks/postgrescluster/spec/resolved.js';

describe('C number scanning', () => {
  it.each([
    ['42', 42, 2],
    ['  -7x', -7, 4],
    ['0x1F', 31, 4],
    ['010', 8, 3],
    ['08', 0, 1], // octal stops at 8
    ['0x', 0, 1], // no hex digit: just the 0
    ['x', 0, 0],
    ['', 0, 0],
  ])('strtol(%p) = %p, stops at %p', (s, value, end) => {
    expect(strtol(s)).toMatchObject({ value, end });
  });

  it('strtol reports overflow', () => {
    expect(strtol('9223372036854775808').range).toBe(true);
    expect(strtol('9223372036854775807').range).toBe(false);
  });

  it.each([
    ['1.5', 1.5, 3, false],
    ['.5e1x', 5, 4, false],
    ['1e', 1, 1, false],
    ['0x1.8p1', 3, 7, false],
    ['-Infinity', -Infinity, 9, false],
    ['inf', Infinity, 3, false],
    ['1e400', Infinity, 5, true],
    ['1e-310', 1e-310, 6, true], // subnormal: ERANGE in glibc
    ['0e-400', 0, 6, false],
    ['.', 0, 0, false],
  ])('strtod(%p) = %p, stops at %p, ERANGE %p', (s, value, end, range) => {
    expect(strtod(s)).toEqual({ value, end, range });
  });

  it('strtod reads nan', () => {
    expect(Number.isNaN(strtod('nan(123)').value)).toBe(true);
  });

  it.each([
    [0.5, 0],
    [1.5, 2],
    [2.5, 2],
    [-2.5, -2],
    [-3.5, -4],
    [2.4, 2],
    [-2.6, -3],
  ])('rint(%p) = %p (half to even)', (x, expected) => {
    expect(rint(x)).toBe(expected);
  });
});

describe('units', () => {
  it.each([
    [1, 'GB', '8kB', 131072],
    [1.5, 'GB', '8kB', 196608],
    [100, 'kB', '8kB', 12.5],
    [1, 'TB', 'MB', 1048576],
    [1, 'B', 'kB', 1 / 1024],
    [1, 'min', 'ms', 60000],
    [0.5, 'min', 's', 30],
    [1.0004, 's', 's', 1], // rounded to whole ms
    [500, 'us', 'ms', 0.5],
    [1, 'd', 'min', 1440],
    [1, 'GB ', 'kB', 1048576],
  ])('%p %s in %s = %p', (value, unit, base, expected) => {
    expect(convertUnit(value, unit, base)).toBe(expected);
  });

  it.each([
    ['gb', '8kB'], // case matters
    ['KB', 'kB'],
    ['GB x', 'kB'],
    ['ms', 'kB'],
    ['kB', 'ms'],
    ['mins', 'ms'], // four characters
  ])('rejects unit %p for base %s', (unit, base) => {
    expect(convertUnit(1, unit, base)).toBeUndefined();
  });
});

describe('parse_int, parse_real, parse_bool', () => {
  it.each([
    ['128MB', '8kB', 16384],
    [' 64MB', 'kB', 65536],
    ['64 MB ', 'kB', 65536],
    ['0x10', 'kB', 16],
    ['1e3', undefined, 1000],
    ['.5', undefined, 0],
    ['2.5', undefined, 2],
    ['1.5GB', '8kB', 196608],
  ])('integer %p (%s) = %p', (s, unit, value) => {
    expect(parseInteger(s, unit)).toEqual({ ok: true, value });
  });

  it.each([
    ['12xB', '8kB', 'valid units are TB, GB, MB, kB, B'],
    ['10ms', undefined, 'this setting takes no unit'],
    ['', undefined, 'not a number'],
    [' .5', undefined, 'not a number'], // strtol read nothing and stopped at the blank
    ['nan', undefined, 'not a number'],
    ['3000000000', undefined, 'exceeds the integer range'],
    ['1e-400', undefined, 'not a number'],
  ])('integer %p (%s) fails: %s', (s, unit, reason) => {
    expect(parseInteger(s, unit)).toEqual({ ok: false, reason });
  });

  it('reads reals with units', () => {
    expect(parseReal('500us', 'ms')).toEqual({ ok: true, value: 0.5 });
    expect(parseReal('1e308', undefined)).toEqual({ ok: true, value: 1e308 });
    expect(parseReal('1,5', undefined)).toEqual({ ok: false, reason: 'this setting takes no unit' });
  });

  it.each([
    ['on', true],
    ['OFF', false],
    ['of', false],
    ['t', true],
    ['TRU', true],
    ['fa', false],
    ['y', true],
    ['n', false],
    ['1', true],
    ['0', false],
  ])('bool %p = %p', (s, value) => {
    expect(parseBool(s)).toBe(value);
  });

  it.each(['o', 'onn', 'offf', '', ' on', 'on ', '2', '10', 'truex', 'yess'])('bool %p is invalid', (s) => {
    expect(parseBool(s)).toBeUndefined();
  });
});

const major: PgMajor = '16';
const messages = (params: Record<string, unknown>, m: PgMajor = major) =>
  checkParams(m, params).map((e) => `${e.path}: ${e.message}`);

describe('checkParams', () => {
  it.each([
    [{ shared_buffers: '128MB' }],
    [{ max_connections: 200 }],
    [{ synchronous_commit: 'TRUE' }], // hidden spelling
    [{ wal_level: 'hot_standby' }], // what Spilo writes
    [{ huge_pages: 'Try' }],
    [{ password_encryption: 'SCRAM-SHA-256' }],
    [{ 'pg_stat_statements.max': '10000' }],
    [{ search_path: '"$user", public' }],
    [{ log_min_duration_statement: '250ms', statement_timeout: '0', checkpoint_timeout: '15min' }],
    [{ random_page_cost: '1.1', seq_page_cost: '1e308' }],
  ])('accepts %p', (params) => {
    expect(messages(params)).toEqual([]);
  });

  it.each<[Record<string, unknown>, string]>([
    [
      { shared_buffers: '12xB' },
      'spec.postgresqlParams.shared_buffers: invalid value "12xB": valid units are TB, GB, MB, kB, B',
    ],
    [
      { shared_buffers: '64kB' },
      'spec.postgresqlParams.shared_buffers: invalid value "64kB": 8 is outside the valid range 16 .. 1073741823 (in 8kB)',
    ],
    [
      { max_connections: 0 },
      'spec.postgresqlParams.max_connections: invalid value "0": 0 is outside the valid range 1 .. 262143',
    ],
    [
      { jit: 'maybe' },
      'spec.postgresqlParams.jit: invalid value "maybe": must be a boolean: on, off, true, false, yes, no, 1 or 0',
    ],
    [
      { huge_pages: 'sometimes' },
      'spec.postgresqlParams.huge_pages: invalid value "sometimes": must be one of off, on, try',
    ],
    [
      // Issue 15: refused with its path rather than silently overridden by pgmeta's scram-sha-256.
      { password_encryption: 'md5' },
      'spec.postgresqlParams.password_encryption: invalid value "md5": pgmeta stores passwords as SCRAM verifiers only (pg_hba admits SCRAM, not md5): leave it unset or scram-sha-256',
    ],
    [
      { wal_level: 'minimal' },
      'spec.postgresqlParams.wal_level: invalid value "minimal": replicas need wal_level replica or logical',
    ],
    [
      { random_page_cost: '-1' },
      'spec.postgresqlParams.random_page_cost: invalid value "-1": -1 is outside the valid range 0 .. 1.7976931348623157e+308',
    ],
    [
      // A library the Spilo 4.0-p3 image does not ship: PostgreSQL would refuse to start.
      { shared_preload_libraries: 'auto_explain,citus' },
      'spec.postgresqlParams.shared_preload_libraries: invalid value "auto_explain,citus": citus: not a library the Spilo image provides for preloading (one of auth_delay, auto_explain, bg_mon, decoderbufs, hypopg, passwordcheck, pg_auth_mon, pg_cron, pg_mon, pg_partman_bgw, pg_prewarm, pg_stat_kcache, pg_stat_statements, pgaudit, pgextwlist, pglogical, pglogical_ticker, plpgsql_check, plprofiler, plugin_debugger, set_user, timescaledb); Spilo\'s own libraries are always loaded',
    ],
    [{ no_such_setting: '1' }, 'spec.postgresqlParams.no_such_setting: unknown setting for PostgreSQL 16'],
    [
      { block_size: '8192' },
      'spec.postgresqlParams.block_size: is read-only: it is fixed when PostgreSQL is built or initialized',
    ],
    [
      { Work_Mem: '4MB' },
      'spec.postgresqlParams.Work_Mem: setting names are lower case here, so that Patroni and pgmeta recognise them',
    ],
    [{ 'a.b.c': '1' }, 'spec.postgresqlParams[a.b.c]: is not a valid setting name'],
    [{ work_mem: 2 ** 60 }, 'spec.postgresqlParams.work_mem: too large for an unquoted integer: quote it'],
    [
      { application_name: 'a\nport = 1' },
      'spec.postgresqlParams.application_name: must not contain line breaks or NUL characters',
    ],
    [
      { 'auto_explain.log_min_duration': '1s\n' },
      'spec.postgresqlParams[auto_explain.log_min_duration]: must not contain line breaks or NUL characters',
    ],
  ])('rejects %p', (params, message) => {
    expect(messages(params)).toEqual([message]);
  });

  it.each(Object.keys(OWNED_PARAMS))('refuses %s, which pgmeta owns', (name) => {
    expect(messages({ [name]: '1' })).toEqual([
      `spec.postgresqlParams.${name}: is managed by pgmeta: ${OWNED_PARAMS[name]}`,
    ]);
  });

  it('knows each major: settings that came or went', () => {
    expect(messages({ wal_keep_size: '1GB' }, '13')).toEqual([]);
    expect(messages({ vacuum_cleanup_index_scale_factor: '0.1' }, '13')).toEqual([]);
    expect(messages({ vacuum_cleanup_index_scale_factor: '0.1' }, '14')).toEqual([
      'spec.postgresqlParams.vacuum_cleanup_index_scale_factor: unknown setting for PostgreSQL 14',
    ]);
    expect(messages({ io_method: 'worker' }, '17')).toEqual([
      'spec.postgresqlParams.io_method: unknown setting for PostgreSQL 17',
    ]);
    expect(messages({ io_method: 'worker' }, '18')).toEqual([]);
  });

  it('has data from the real server of every supported major', () => {
    for (const m of SUPPORTED_MAJORS) {
      const data = paramData(m);
      expect(data.major).toBe(m);
      expect(data.server.startsWith(`${m}.`)).toBe(true);
      expect(data.params['shared_buffers']).toMatchObject({ type: 'integer', unit: '8kB', min: 16 });
      expect(data.params['wal_level']?.hidden).toEqual(['archive', 'hot_standby']);
    }
  });

  it('every owned setting exists in some major (no typo in the list)', () => {
    const known = new Set(SUPPORTED_MAJORS.flatMap((m) => Object.keys(paramData(m).params)));
    expect(Object.keys(OWNED_PARAMS).filter((n) => !known.has(n))).toEqual([]);
  });

  it('never throws, whatever the names and values', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer(), fc.double(), fc.anything())),
        (params) => {
          for (const e of checkParams(major, params))
            expect(e.path.startsWith('spec.postgresqlParams')).toBe(true);
        },
      ),
    );
  });
});
