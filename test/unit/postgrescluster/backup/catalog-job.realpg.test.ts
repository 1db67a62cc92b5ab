/**
 * Runs the catalog Job's own script against real PostgreSQL configured as Spilo configures logging
 * (`logging_collector`, `csvlog`, `log_directory: ../pg_log`: configure_spilo.py `TEMPLATE`) with an
 * archive_command that behaves like WAL-G's wal-push (its error line on stderr, exit 1 while the store
 * is "down"). `envdir` and `wal-g` stand-ins answer `backup-list --detail --json` with the fields of
 * WAL-G 3.0.5's BackupDetail. Proves that the SQL runs (pg_stat_archiver, pg_ls_archive_statusdir,
 * pg_ls_logdir and the log read), that the line parses, and that a failing archive reports WAL-G's
 * error from PostgreSQL's log.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CATALOG_CLEANUP,
  CATALOG_ENVDIR,
  CATALOG_PROGRAM,
  CATALOG_SCRIPT,
} from '../../../../hooks/postgrescluster/backup/catalog-job.js';
import { parseReading } from '../../../../hooks/postgrescluster/backup/catalog.js';
import { catalogStatus } from '../../../../hooks/postgrescluster/backup/catalog-status.js';
import {
  initdb,
  makeTempDir,
  startServer,
  unprivileged,
  type Major,
  type RealServer,
} from '../../../support/pgbin.js';

const CLIENTS = ['/usr/bin/psql', '/usr/bin/pg_isready'];
const haveClients = CLIENTS.every((p) => existsSync(p));
if (!haveClients) console.log(`skipped: ${CLIENTS.join(' and ')} not installed`);
const maybe = haveClients ? describe : describe.skip;

/** Two backups as WAL-G 3.0.5 prints them (BackupDetail: BackupTime + ExtendedMetadataDto). */
const LIST = JSON.stringify([
  {
    backup_name: 'base_000000010000000000000003',
    time: '2026-11-21T01:10:01Z',
    wal_file_name: '000000010000000000000003',
    storage_name: 'default',
    start_time: '2026-11-21T01:00:01.5Z',
    finish_time: '2026-11-21T01:10:00.25Z',
    date_fmt: '%Y-%m-%dT%H:%M:%S.%fZ',
    hostname: 'orders-0',
    data_dir: '/home/postgres/pgdata/pgroot/data',
    pg_version: 160004,
    start_lsn: 50331688,
    finish_lsn: 50331960,
    is_permanent: false,
    system_identifier: 7440000000000000000,
    uncompressed_size: 31234567,
    compressed_size: 4123456,
  },
  {
    backup_name: 'base_000000010000000000000007',
    time: '2026-11-21T09:52:31Z',
    wal_file_name: '000000010000000000000007',
    storage_name: 'default',
    start_time: '2026-11-21T09:40:05.338106Z',
    finish_time: '2026-11-21T09:52:30.917531Z',
    date_fmt: '%Y-%m-%dT%H:%M:%S.%fZ',
    hostname: 'orders-0',
    data_dir: '/home/postgres/pgdata/pgroot/data',
    pg_version: 160004,
    start_lsn: 117440552,
    finish_lsn: 117440824,
    is_permanent: true,
    system_identifier: 7440000000000000000,
    uncompressed_size: 31234999,
    compressed_size: 4123999,
    user_data: { 'pgmeta.io/backup': '0123456789abcdef' },
  },
]);

function stubs(base: string) {
  const bin = join(base, 'bin');
  const state = join(base, 'state');
  const envdir = join(base, 'walg-env');
  for (const d of [bin, state, envdir]) mkdirSync(d);
  writeFileSync(join(bin, 'envdir'), `#!/bin/sh\nprogram=$2\nshift 2\nexec ${bin}/$program "$@"\n`);
  writeFileSync(
    join(bin, 'wal-g'),
    [
      '#!/bin/sh',
      'case "$1" in',
      `  backup-list) cat ${state}/list ;;`,
      '  wal-push)',
      `    if [ -e ${state}/down ]; then echo "ERROR: 2026/11/21 10:00:00.000001 failed to upload 'wal_005/$(basename $2).lz4': NoCredentialProviders: no valid providers in chain" >&2; exit 1; fi ;;`,
      'esac',
    ].join('\n'),
  );
  writeFileSync(join(state, 'list'), LIST);
  for (const f of ['envdir', 'wal-g']) chmodSync(join(bin, f), 0o755);
  const id = unprivileged();
  if (id) for (const d of [bin, state, envdir, join(state, 'list')]) chownSync(d, id.uid, id.gid);
  return { bin, state, envdir };
}

maybe.each(['13', '18'] as Major[])('catalog Job script on real PostgreSQL %s', (major) => {
  let base = '';
  let server: RealServer | undefined;
  let dirs: ReturnType<typeof stubs>;

  beforeAll(async () => {
    base = makeTempDir(`pgcatalog${major}`);
    dirs = stubs(base);
    await initdb(major, join(base, 'data'));
    server = await startServer(major, {
      dataDir: join(base, 'data'),
      settings: {
        logging_collector: 'on',
        log_destination: 'csvlog',
        log_directory: '../pg_log',
        log_filename: 'postgresql-%u.log',
        archive_mode: 'on',
        archive_command: `${dirs.bin}/envdir ${dirs.envdir} wal-g wal-push "%p"`,
      },
    });
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    spawnSync('rm', ['-rf', base]);
  });

  async function switchWal(): Promise<void> {
    const c = await server!.connect();
    try {
      await c.query('CREATE TABLE IF NOT EXISTS t (i int); INSERT INTO t SELECT 1; SELECT pg_switch_wal()');
    } finally {
      await c.end();
    }
  }

  async function until(check: () => Promise<boolean>): Promise<void> {
    for (let i = 0; i < 100 && !(await check()); i++) await new Promise((r) => setTimeout(r, 200));
  }

  async function archiver(): Promise<{ archived: number; failed: number }> {
    const c = await server!.connect();
    try {
      const r = await c.query('SELECT archived_count, failed_count FROM pg_stat_archiver');
      const row = r.rows[0] as { archived_count: string; failed_count: string };
      return { archived: Number(row.archived_count), failed: Number(row.failed_count) };
    } finally {
      await c.end();
    }
  }

  function runJob(): { status: number | null; output: string; message: string } {
    const log = join(base, `termination-${Date.now()}`);
    writeFileSync(log, '');
    const id = unprivileged();
    if (id) chownSync(log, id.uid, id.gid);
    const program = CATALOG_PROGRAM.replaceAll(
      `envdir ${CATALOG_ENVDIR}`,
      `${dirs.bin}/envdir ${dirs.envdir}`,
    );
    const res = spawnSync('/bin/sh', ['-c', CATALOG_SCRIPT.replaceAll('/dev/termination-log', log)], {
      ...(id ? { uid: id.uid, gid: id.gid } : {}),
      cwd: base,
      env: {
        PATH: '/usr/bin:/bin',
        PGHOST: '127.0.0.1',
        PGPORT: String(server?.port),
        PGUSER: 'postgres',
        PGDATABASE: 'postgres',
        CATALOG_DELAY: '0',
        CATALOG_PROGRAM: program,
        CATALOG_CLEANUP,
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { status: res.status, output: `${res.stdout}${res.stderr}`, message: readFileSync(log, 'utf8') };
  }

  it('lists the backups newest first and reads a healthy archiver', async () => {
    const before = (await archiver()).archived;
    await switchWal();
    await until(async () => (await archiver()).archived > before);
    const run = runJob();
    expect(run.output).not.toMatch(/ERROR/);
    expect(run.status).toBe(0);
    expect(Buffer.byteLength(run.message)).toBeLessThan(4096);
    const reading = parseReading(run.message);
    expect(reading).toMatchObject({
      count: 2,
      firstBackupFinish: '2026-11-21T01:10:00.250Z',
      archiver: { failedCount: 0, pendingSegments: 0 },
    });
    expect(reading?.archiver.lastArchivedWal).toMatch(/^[0-9A-F]{24}$/);
    expect(reading?.backups).toEqual([
      {
        name: 'base_000000010000000000000007',
        startTime: '2026-11-21T09:40:05.338Z',
        finishTime: '2026-11-21T09:52:30.917Z',
        compressedBytes: 4123999,
        uncompressedBytes: 31234999,
        trigger: 'on-demand',
        permanent: true,
      },
      {
        name: 'base_000000010000000000000003',
        startTime: '2026-11-21T01:00:01.500Z',
        finishTime: '2026-11-21T01:10:00.250Z',
        compressedBytes: 4123456,
        uncompressedBytes: 31234567,
        trigger: 'scheduled',
      },
    ]);
    expect(existsSync('/tmp/pgmeta-catalog.json')).toBe(false);
  }, 60_000);

  it("reports a failing archive with WAL-G's error line from PostgreSQL's log", async () => {
    writeFileSync(join(dirs.state, 'down'), '');
    try {
      await switchWal();
      await until(async () => (await archiver()).failed > 0);
      const reading = parseReading(runJob().message);
      const status = catalogStatus({ ...(reading ? { reading } : {}) }, {});
      expect(status.archiving).toMatchObject({
        healthy: false,
        lastError: expect.stringMatching(/^ERROR: .*NoCredentialProviders/) as unknown as string,
      });
      expect(status.archiving?.pendingSegments).toBeGreaterThan(0);
    } finally {
      spawnSync('rm', ['-f', join(dirs.state, 'down')]);
    }
  }, 60_000);

  it('says why when WAL-G cannot list the archive', () => {
    writeFileSync(join(dirs.state, 'list'), '');
    const bin = join(dirs.bin, 'wal-g');
    const original = readFileSync(bin, 'utf8');
    writeFileSync(
      bin,
      original.replace(
        'backup-list) cat',
        'backup-list) echo "ERROR: 2026/11/21 bucket not found" >&2; exit 1; cat',
      ),
    );
    try {
      const reading = parseReading(runJob().message);
      expect(reading).toMatchObject({
        count: 0,
        backups: [],
        listError: 'ERROR: 2026/11/21 bucket not found',
      });
    } finally {
      writeFileSync(bin, original);
    }
  });
});
