/**
 * Runs the backup Job's own script and the server-side program it sends, against real PostgreSQL:
 * psql and pg_isready of the host stand in for the Spilo image's, and small `envdir` and `wal-g`
 * stand-ins on the server's PATH record how they are called and answer like WAL-G (a JSON
 * backup-list with the sentinel's user data). Proves that COPY ... TO PROGRAM runs the program and
 * waits for it, that the session finds this object's backup among others, and that success and
 * failure reach the termination message in the form the hook parses.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BACKUP_SCRIPT } from '../../../hooks/postgresbackup/job.js';
import { parseResult } from '../../../hooks/postgresbackup/observe.js';
import { backupJobEnv } from './job-env.js';
import {
  initdb,
  makeTempDir,
  startServer,
  unprivileged,
  type Major,
  type RealServer,
} from '../../support/pgbin.js';

const CLIENTS = ['/usr/bin/psql', '/usr/bin/pg_isready'];
const haveClients = CLIENTS.every((p) => existsSync(p));
if (!haveClients) console.log(`skipped: ${CLIENTS.join(' and ')} not installed`);
const maybe = haveClients ? describe : describe.skip;

const ID = '0123456789abcdef';

function stubs(base: string): { bin: string; state: string; envdir: string } {
  const bin = join(base, 'bin');
  const state = join(base, 'state');
  const envdir = join(base, 'walg-env');
  for (const d of [bin, state, envdir]) mkdirSync(d);
  // Runs the named program from the stand-ins' directory: the server's PATH is the real process's.
  writeFileSync(
    join(bin, 'envdir'),
    `#!/bin/sh\necho "envdir $1" >>${state}/calls\nprogram=$2\nshift 2\nexec ${bin}/$program "$@"\n`,
  );
  writeFileSync(
    join(bin, 'wal-g'),
    [
      '#!/bin/sh',
      `state=${state}`,
      'case "$1" in',
      '  backup-push)',
      '    echo "push $2 PGHOST=$PGHOST user_data=$WALG_SENTINEL_USER_DATA" >>$state/calls',
      '    if [ -e $state/fail ]; then echo "ERROR: 2026/11/21 09:41:02.120154 failed to upload: connection refused" >&2; exit 1; fi',
      '    echo "INFO: 2026/11/21 09:52:30.917531 Wrote backup with name base_000000010000000000000007"',
      '    printf \'{"backup_name":"base_000000010000000000000007","start_time":"2026-11-21T09:40:05.338106Z","finish_time":"2026-11-21T09:52:30.917531Z","user_data":%s}\\n\' "$WALG_SENTINEL_USER_DATA" >>$state/backups ;;',
      '  backup-list)',
      '    echo "list $*" >>$state/calls',
      "    printf '['; paste -sd, $state/backups | tr -d '\\n'; printf ']\\n' ;;",
      'esac',
    ].join('\n'),
  );
  for (const f of ['envdir', 'wal-g']) chmodSync(join(bin, f), 0o755);
  // A scheduled backup taken earlier: no sentinel user data of ours.
  writeFileSync(
    join(state, 'backups'),
    '{"backup_name":"base_000000010000000000000003","start_time":"2026-11-21T01:00:01Z","finish_time":"2026-11-21T01:10:00Z","user_data":null}\n',
  );
  const id = unprivileged();
  if (id) for (const d of [bin, state, envdir]) chownSync(d, id.uid, id.gid);
  if (id) chownSync(join(state, 'backups'), id.uid, id.gid);
  return { bin, state, envdir };
}

/** The env of the Job the hook renders, with the server paths of this test instead of Spilo's. */
const jobEnv = (paths: { pgdata: string; envdir: string; bin: string }) => backupJobEnv(ID, paths);

maybe.each(['13', '18'] as Major[])('backup Job script on real PostgreSQL %s', (major) => {
  let base = '';
  let server: RealServer | undefined;
  let dirs: ReturnType<typeof stubs>;

  beforeAll(async () => {
    base = makeTempDir(`pgbackup${major}`);
    dirs = stubs(base);
    await initdb(major, join(base, 'data'));
    server = await startServer(major, { dataDir: join(base, 'data') });
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    spawnSync('rm', ['-rf', base]);
  });

  function runJob(): { status: number | null; output: string; message: string } {
    const log = join(base, `termination-${Date.now()}`);
    writeFileSync(log, '');
    const id = unprivileged();
    if (id) chownSync(log, id.uid, id.gid);
    const res = spawnSync('/bin/sh', ['-c', BACKUP_SCRIPT.replaceAll('/dev/termination-log', log)], {
      ...(id ? { uid: id.uid, gid: id.gid } : {}),
      cwd: base,
      env: {
        PATH: '/usr/bin:/bin',
        PGHOST: '127.0.0.1',
        PGPORT: String(server?.port),
        PGUSER: 'postgres',
        PGDATABASE: 'postgres',
        PGCONNECT_TIMEOUT: '10',
        ...jobEnv({ pgdata: join(base, 'data'), envdir: dirs.envdir, bin: dirs.bin }),
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { status: res.status, output: `${res.stdout}${res.stderr}`, message: readFileSync(log, 'utf8') };
  }

  it('takes the backup in the server, finds it by its sentinel and reports name, start and end', () => {
    const run = runJob();
    expect(run.status).toBe(0);
    expect(parseResult(run.message)).toEqual({
      backupName: 'base_000000010000000000000007',
      startTime: '2026-11-21T09:40:05.338106Z',
      finishTime: '2026-11-21T09:52:30.917531Z',
    });
    const calls = readFileSync(join(dirs.state, 'calls'), 'utf8');
    expect(calls).toContain(`envdir ${dirs.envdir}`);
    expect(calls).toContain(
      `push ${join(base, 'data')} PGHOST=/var/run/postgresql user_data={"pgmeta.io/backup":"${ID}"}`,
    );
    expect(calls).toContain('list backup-list --detail --json');
    // The session removed its result files.
    expect(readdirSync('/tmp').filter((f) => f.startsWith(`pgmeta-backup-${ID}`))).toEqual([]);
  });

  it("reports WAL-G's error and exits non-zero when backup-push fails", () => {
    writeFileSync(join(dirs.state, 'fail'), '');
    try {
      const run = runJob();
      expect(run.status).toBe(1);
      expect(run.message).toMatch(/^wal-g backup-push exited with 1: /);
      expect(run.message).toContain('failed to upload: connection refused');
      expect(parseResult(run.message)).toBeUndefined();
    } finally {
      spawnSync('rm', ['-f', join(dirs.state, 'fail')]);
    }
  });
});
