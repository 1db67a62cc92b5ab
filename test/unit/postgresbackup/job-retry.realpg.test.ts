/**
 * A retry of the backup Job while the first attempt's backup-push still runs on the server, against
 * real PostgreSQL. The first attempt's client is killed in the middle of `COPY ... TO PROGRAM`: the
 * backend keeps waiting for its program (PostgreSQL src/backend/commands/copyto.c `EndCopy` →
 * `ClosePipeToProgram`, which reads nothing from the client), so the backup goes on. The retry must
 * not start a second backup-push: it waits for the first, then reports the first one's backup.
 * The `wal-g` stand-in blocks in backup-push while a `slow` file exists, and counts its pushes.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BACKUP_SCRIPT } from '../../../hooks/postgresbackup/job.js';
import { parseResult } from '../../../hooks/postgresbackup/observe.js';
import { backupJobEnv } from './job-env.js';
import { initdb, makeTempDir, startServer, unprivileged, type RealServer } from '../../support/pgbin.js';

const CLIENTS = ['/usr/bin/psql', '/usr/bin/pg_isready'];
const haveClients = CLIENTS.every((p) => existsSync(p));
if (!haveClients) console.log(`skipped: ${CLIENTS.join(' and ')} not installed`);
const maybe = haveClients ? describe : describe.skip;

const ID = 'fedcba9876543210';
const BACKUP = 'base_000000010000000000000009';

function stubs(base: string): { bin: string; state: string } {
  const [bin, state] = [join(base, 'bin'), join(base, 'state')];
  for (const d of [bin, state]) mkdirSync(d);
  writeFileSync(join(bin, 'envdir'), `#!/bin/sh\nprogram=$2\nshift 2\nexec ${bin}/$program "$@"\n`);
  writeFileSync(
    join(bin, 'wal-g'),
    [
      '#!/bin/sh',
      'case "$1" in',
      '  backup-push)',
      `    echo push >>${state}/pushes`,
      `    while [ -e ${state}/slow ]; do sleep 0.1; done`,
      `    printf '{"backup_name":"${BACKUP}","start_time":"2026-11-21T09:40:05Z","finish_time":"2026-11-21T09:52:30Z","user_data":%s}\\n' "$WALG_SENTINEL_USER_DATA" >>${state}/backups ;;`,
      '  backup-list)',
      `    printf '['; paste -sd, ${state}/backups | tr -d '\\n'; printf ']\\n' ;;`,
      'esac',
    ].join('\n'),
  );
  for (const f of ['envdir', 'wal-g']) chmodSync(join(bin, f), 0o755);
  const id = unprivileged();
  if (id) for (const d of [bin, state]) chownSync(d, id.uid, id.gid);
  return { bin, state };
}

const jobEnv = (paths: { pgdata: string; bin: string }) =>
  backupJobEnv(ID, { ...paths, envdir: '/nonexistent' });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

maybe('backup Job retry on real PostgreSQL 16', () => {
  let base = '';
  let server: RealServer | undefined;
  let dirs: ReturnType<typeof stubs>;

  beforeAll(async () => {
    base = makeTempDir('pgbackupretry');
    dirs = stubs(base);
    await initdb('16', join(base, 'data'));
    server = await startServer('16', { dataDir: join(base, 'data') });
  }, 120_000);

  afterAll(async () => {
    rmSync(join(dirs.state, 'slow'), { force: true });
    await server?.stop();
    spawnSync('rm', ['-rf', base]);
  });

  /** One attempt of the Job: its shell in a process group of its own, so it can be killed whole. */
  function attempt(n: number): { child: ChildProcess; message: string; done: Promise<number | null> } {
    const message = join(base, `termination-${n}`);
    writeFileSync(message, '');
    const id = unprivileged();
    if (id) chownSync(message, id.uid, id.gid);
    const child = spawn('/bin/sh', ['-c', BACKUP_SCRIPT.replaceAll('/dev/termination-log', message)], {
      ...(id ? { uid: id.uid, gid: id.gid } : {}),
      cwd: base,
      detached: true,
      stdio: 'ignore',
      env: {
        PATH: '/usr/bin:/bin',
        PGHOST: '127.0.0.1',
        PGPORT: String(server?.port),
        PGUSER: 'postgres',
        PGDATABASE: 'postgres',
        ...jobEnv({ pgdata: join(base, 'data'), bin: dirs.bin }),
      },
    });
    const done = new Promise<number | null>((resolve) =>
      child.on('close', (code) => {
        resolve(code);
      }),
    );
    return { child, message, done };
  }

  const pushes = () => {
    const file = join(dirs.state, 'pushes');
    return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).length : 0;
  };

  it('waits for the first attempt still pushing on the server and reports its backup, pushing once', async () => {
    writeFileSync(join(dirs.state, 'slow'), '');
    const first = attempt(1);
    await until('the first backup-push to start', () => pushes() === 1);
    process.kill(-first.child.pid!, 'SIGKILL'); // the Job's pod dies; the server's backend does not
    await first.done;
    const retry = attempt(2);
    await sleep(1500); // the retry is checking while the first push still runs
    expect(pushes()).toBe(1);
    rmSync(join(dirs.state, 'slow'));
    expect(await retry.done).toBe(0);
    expect(pushes()).toBe(1);
    expect(parseResult(readFileSync(retry.message, 'utf8'))).toMatchObject({ backupName: BACKUP });
    // The retry removed the first attempt's result files: the next backup starts afresh.
    expect(existsSync(`/tmp/pgmeta-backup-${ID}.rc`)).toBe(false);
  }, 60_000);
});
