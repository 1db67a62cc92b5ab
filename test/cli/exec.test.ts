/**
 * psql, logs and report at the protocol level @kubernetes/client-node speaks: `pods/exec` over a
 * WebSocket with the channel.k8s.io v5/v4 framing (stdin, stdout, stderr, the final Status on the
 * error channel), and `pods/log` streamed with `follow=true`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useLifecycle } from '../lifecycle/scenario';
import type { ExecHandler } from '../support/kube-api';
import { POSTGRES_LOG_SCRIPT } from '../../hooks/cli/exec/logs';
import { CliRig, ensureBuilt } from './harness';

const HA = { version: '16', replicas: 3, storage: { size: '10Gi' } };

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

describe('pgmeta psql, logs, report', () => {
  const world = useLifecycle();
  beforeAll(() => {
    ensureBuilt();
  }, 180_000);
  const calls: { pod: string; container: string; command: string[]; tty: boolean; stdin: string }[] = [];
  const exec: ExecHandler = async (call, io) => {
    const stdin = (await io.stdin()).toString();
    calls.push({
      pod: call.pod.metadata.name,
      container: call.container,
      command: call.command,
      tty: call.tty,
      stdin,
    });
    io.stdout(`server ${call.pod.metadata.name} got: ${stdin}`);
    io.stderr('a notice\n');
    return call.command.includes('fail') ? 3 : 0;
  };

  it('psql runs in the primary (or a replica) with the arguments after --, stdin passed and the exit code kept', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);
    const rig = await CliRig.start(s, { exec });
    try {
      const res = await rig.run(['psql', 'orders', '--', '-c', 'select 1'], {
        input: 'select 2;\n',
        step: false,
      });
      expect(res).toEqual({ code: 0, stdout: 'server orders-0 got: select 2;\n', stderr: 'a notice\n' });
      expect(calls.at(-1)).toEqual({
        pod: 'orders-0',
        container: 'postgres',
        command: ['psql', '-U', 'postgres', '-c', 'select 1'],
        tty: false,
        stdin: 'select 2;\n',
      });
      expect(rig.api.requests.at(-1)).toMatch(/^UPGRADE \/api\/v1\/namespaces\/shop\/pods\/orders-0\/exec\?/);

      const replica = await rig.run(['psql', 'orders', '--replica', '--', 'fail'], { step: false });
      expect(replica.code).toBe(3);
      expect(calls.at(-1)?.pod).toMatch(/^orders-[12]$/);
    } finally {
      await rig.stop();
    }
  }, 120_000);

  it('logs prints each member prefixed, one member alone, and follows until the stream ends', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);
    const rig = await CliRig.start(s, { exec });
    try {
      for (const pod of ['orders-0', 'orders-1', 'orders-2'])
        rig.api.logs.append(
          { namespace: 'shop', pod, container: 'postgres' },
          `${pod}: INFO: no action. I am (${pod})`,
        );
      const all = await rig.run(['logs', 'orders'], { step: false });
      expect(all.code).toBe(0);
      expect(all.stdout.split('\n').sort()).toEqual([
        '',
        ...['0', '1', '2'].map((i) => `[orders-${i}] orders-${i}: INFO: no action. I am (orders-${i})`),
      ]);
      const one = await rig.run(['logs', 'orders', '--member', 'orders-1'], { step: false });
      expect(one.stdout).toBe('orders-1: INFO: no action. I am (orders-1)\n');

      rig.api.logs.append({ namespace: 'shop', pod: 'orders-0', container: 'postgres' }, 'last line before');
      const follow = rig.spawn(['logs', 'orders', '--member', 'orders-0', '-f', '--tail', '1']);
      for (let i = 0; i < 300 && rig.api.logs.followers() === 0; i++)
        await new Promise((r) => setTimeout(r, 50));
      rig.api.logs.append({ namespace: 'shop', pod: 'orders-0', container: 'postgres' }, 'later line');
      await new Promise((r) => setTimeout(r, 300));
      rig.api.logs.endFollowers();
      expect(await follow).toEqual({ code: 0, stdout: 'last line before\nlater line\n', stderr: '' });
      expect(rig.api.requests.filter((r) => r.includes('/log?')).at(-1)).toContain('follow=true');

      // PostgreSQL's own log: the newest csvlog file in $PGROOT/pg_log, tailed through exec.
      const pg = await rig.run(['logs', 'orders', '--member', 'orders-1', '--postgres', '--tail', '5'], {
        step: false,
      });
      expect(pg).toEqual({ code: 0, stdout: 'server orders-1 got: \n', stderr: 'a notice\n' });
      expect(calls.at(-1)).toEqual({
        pod: 'orders-1',
        container: 'postgres',
        command: ['sh', '-c', POSTGRES_LOG_SCRIPT, 'sh', '5'],
        tty: false,
        stdin: '',
      });
    } finally {
      await rig.stop();
    }
  }, 120_000);

  it('report writes a tar.gz of objects, status, events and logs with every Secret value redacted', async () => {
    const s = world.scenario();
    await s.given.cluster(HA);
    const rig = await CliRig.start(s);
    const password = Buffer.from(
      (
        s.store.get({ kind: 'Secret', namespace: 'shop', name: 'orders-superuser' })?.['data'] as {
          password: string;
        }
      ).password,
      'base64',
    ).toString();
    // A password that leaked into a log must not reach the report either.
    rig.api.logs.append(
      { namespace: 'shop', pod: 'orders-0', container: 'postgres' },
      `connecting with password=${password}`,
    );
    try {
      const out = join(rig.dir, 'report.tar.gz');
      const res = await rig.run(['report', 'orders', '-o', out], { step: false });
      expect(res.code).toBe(0);
      expect(res.stdout).toMatch(
        /report\.tar\.gz: \d+ objects, \d+ events, \d+ logs \(Secret values redacted\)/,
      );
      const dir = mkdtempSync(join(tmpdir(), 'pgmeta-report-'));
      execFileSync('tar', ['-xzf', out, '-C', dir]);
      const files = listFiles(dir);
      expect(files).toEqual(
        expect.arrayContaining([
          'shop-orders/README.txt',
          'shop-orders/status.txt',
          'shop-orders/status.json',
          'shop-orders/objects/PostgresCluster/orders.yaml',
          'shop-orders/objects/StatefulSet/orders.yaml',
          'shop-orders/objects/Secret/orders-superuser.yaml',
          'shop-orders/events.yaml',
          'shop-orders/logs/orders-0/postgres.log',
        ]),
      );
      const everything = files.map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
      expect(password.length).toBeGreaterThan(10);
      expect(everything).not.toContain(password);
      expect(readFileSync(join(dir, 'shop-orders/logs/orders-0/postgres.log'), 'utf8')).toBe(
        'connecting with password=[REDACTED]\n',
      );
      expect(readFileSync(join(dir, 'shop-orders/objects/Secret/orders-superuser.yaml'), 'utf8')).toMatch(
        /password: REDACTED \(\d+ bytes\)/,
      );
    } finally {
      await rig.stop();
    }
  }, 120_000);
});
