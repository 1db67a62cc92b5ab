/**
 * pgmeta's verdict on postgresqlParams against the real server's, for every supported major.
 *
 * One data directory per major (initdb as an unprivileged user); each (setting, value) pair is then
 * judged by `postgres -D dir -C name -c name=value`, which parses and checks the value like the
 * configuration file does and exits non-zero when it is invalid, without starting a server.
 * The pairs cover units, ranges, C number syntax, booleans and enum spellings; settings that pgmeta
 * refuses by policy (owned ones, wal_level=minimal) are left out, as are strings (not checked);
 * password_encryption is kept, and pgmeta must take only the server's spellings of scram-sha-256.
 */
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { checkParams, paramData, type ParamSpec } from '../../hooks/postgrescluster/spec/params.js';
import { patroniProblem } from '../../hooks/postgrescluster/spilo/patroni-validators.js';
import { PG_MAJORS, pgBin, runAsPostgres, withTempCluster, type Major } from '../support/pgbin.js';

const SETTINGS = [
  'shared_buffers', // 8kB pages
  'wal_buffers', // 8kB pages, -1 allowed
  'work_mem', // kB
  'temp_file_limit', // kB, -1 allowed
  'max_wal_size', // MB
  'wal_segment_size', // internal
  'max_connections', // no unit
  'checkpoint_timeout', // s
  'statement_timeout', // ms
  'log_rotation_age', // min
  'vacuum_cost_delay', // real, ms
  'seq_page_cost', // real, up to DBL_MAX
  'checkpoint_completion_target', // real, 0..1
  'jit',
  'fsync',
  'synchronous_commit', // enum with boolean spellings
  'huge_pages',
  'client_min_messages', // enum with `debug`
  'wal_level', // enum with old names
  'password_encryption', // enum that changed across majors
  'wal_compression', // bool before 15, enum after
  'compute_query_id', // absent from 13
  'vacuum_cleanup_index_scale_factor', // only in 13
  'no_such_setting',
  'plpgsql.variable_conflict', // an extension setting
] as const;

const NUMBER_SYNTAX = [
  '',
  ' 1',
  '1 ',
  '0x10',
  '010',
  '08',
  '1e3',
  '2.5',
  '.5',
  'nan',
  'inf',
  '-1',
  '2147483648',
  '1,5',
];
const MEMORY = [
  '128MB',
  '1GB',
  '1.5GB',
  '12xB',
  '100kB',
  '8B',
  '1TB',
  'MB',
  '64 MB',
  '64MB ',
  '64 MB x',
  'mb',
  '1gb',
];
const TIME = ['30s', '1min', '1.5min', '500us', '0.5ms', '1d', '10000000d', '30 s', '30sec', 'MS', '1h', '0'];
const REAL = ['1.1', '0', '1e308', '1e309', '1e-310', '0x1p-3', '4 ', '101', '1.5'];
const BOOL = [
  'on',
  'off',
  'ON',
  'of',
  'o',
  't',
  'tru',
  'true ',
  'yes',
  'y',
  'no',
  'n',
  '1',
  '0',
  '2',
  '',
  'truex',
];
const ENUM_EXTRA = [
  'TRUE',
  'sometimes',
  ' on',
  '',
  'debug',
  'hot_standby',
  'archive',
  'Replica',
  'md5',
  'lz4',
  'pglz',
];

/** The values worth trying for a setting, by its type and unit in this major. */
function valuesFor(spec: ParamSpec | undefined): string[] {
  if (spec === undefined) return ['1', 'on'];
  switch (spec.type) {
    case 'bool':
      return BOOL;
    case 'enum':
      return [...(spec.values ?? []), ...ENUM_EXTRA].filter((v) => v !== 'minimal');
    case 'real':
      return [...REAL, ...NUMBER_SYNTAX, ...(spec.unit ? ['500us', '1s', '1 ms'] : [])];
    case 'integer':
      return [
        ...NUMBER_SYNTAX,
        ...(spec.unit === undefined
          ? ['10', '100ms']
          : ['s', 'ms', 'min'].includes(spec.unit)
            ? TIME
            : MEMORY),
      ];
    case 'string':
      return [];
  }
}

function pairs(major: Major): [string, string][] {
  const params = paramData(major).params;
  return SETTINGS.flatMap((name) => valuesFor(params[name]).map((value): [string, string] => [name, value]));
}

/** Runs `fn` on every item with at most `limit` at a time (the machine has two cores). */
async function inPool<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}

interface Verdict {
  setting: string;
  value: string;
  server: boolean;
  /** Whether Patroni keeps the value (DCS-only parameters it validates; others: always). */
  patroni: boolean;
  /** pgmeta's own policy: passwords are stored as SCRAM verifiers only (issue 15). */
  policy: boolean;
  pgmeta: boolean;
  detail: string;
}

async function judge(major: Major, dataDir: string, [setting, value]: [string, string]): Promise<Verdict> {
  const postgres = join(pgBin(major), 'postgres');
  // `postgres -C` exits at once, often before runAsPostgres has closed its stdin, which then fails
  // with EPIPE; the shell drains stdin until it is closed and returns postgres's exit code.
  const script = '"$0" "$@"; rc=$?; cat >/dev/null; exit $rc';
  const args = ['-c', script, postgres, '-D', dataDir, '-C', setting, '-c', `${setting}=${value}`];
  const run = await runAsPostgres('/bin/sh', args, { timeoutMs: 20_000 });
  const errors = checkParams(major, { [setting]: value });
  const detail = `server: ${(run.stderr || run.stdout).trim().split('\n')[0] ?? ''}; pgmeta: ${errors[0]?.message ?? 'ok'}`;
  const patroni = patroniProblem(setting, value) === undefined;
  const policy = setting !== 'password_encryption' || value.toLowerCase() === 'scram-sha-256';
  return { setting, value, server: run.code === 0, patroni, policy, pgmeta: errors.length === 0, detail };
}

describe.each(PG_MAJORS)('postgresqlParams against the real PostgreSQL %s', (major) => {
  // pgmeta also refuses what the server takes but Patroni would drop for its default
  // (hooks/postgrescluster/spilo/patroni-validators.ts, from Patroni 4.0.4's own validators).
  it('accepts exactly the values the server accepts and Patroni keeps', async () => {
    const cases = pairs(major);
    expect(cases.length).toBeGreaterThan(250);
    const verdicts = await withTempCluster(major, (dataDir) =>
      inPool(cases, 3, (c) => judge(major, dataDir, c)),
    );
    const disagreements = verdicts.filter((v) => (v.server && v.patroni && v.policy) !== v.pgmeta);
    expect(disagreements).toEqual([]);
    // Both verdicts occur, so the comparison means something.
    expect(verdicts.filter((v) => v.server).length).toBeGreaterThan(50);
    expect(verdicts.filter((v) => !v.server).length).toBeGreaterThan(50);
  }, 90_000);
});
