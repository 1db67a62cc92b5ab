/**
 * A real server of one major for judging pg_hba lines (test/realpg/hba*.test.ts).
 *
 * Each line is written alone as the pg_hba.conf of the running server, which then shows how it reads
 * it in `pg_hba_file_rules` (the file on disk, not the one loaded): a row with an error, or with no
 * type (a line it could not parse), means the server would refuse the file and not start. The server
 * runs with `ssl = on` as Spilo's does (Spilo 4.0-p3 configure_spilo.py `TEMPLATE`), so hostssl lines
 * can match.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from 'pg';
import { runAsPostgres, startServer, withTempCluster, type Major } from '../support/pgbin';

/** How the server reads one line. */
export interface ServerVerdict {
  line: string;
  /** No error: the server would load the file. */
  server: boolean;
  serverError: string;
  /** The first rule's address and netmask columns (a host name has no netmask). */
  address: string | null;
  netmask: string | null;
}

export interface HbaServer {
  judge(line: string): Promise<ServerVerdict>;
  /** The number of rules the server reads from this file content. */
  ruleCount(content: string): Promise<number>;
}

interface Row {
  type: string | null;
  error: string | null;
  address: string | null;
  netmask: string | null;
}

function writeHba(dataDir: string, content: string): void {
  writeFileSync(join(dataDir, 'pg_hba.conf'), content, { mode: 0o644 });
}

async function judge(client: Client, dataDir: string, line: string): Promise<ServerVerdict> {
  writeHba(dataDir, `${line}\n`);
  const { rows } = await client.query<Row>('SELECT type, error, address, netmask FROM pg_hba_file_rules');
  const bad = rows.filter((r) => r.error !== null || r.type === null);
  return {
    line,
    server: rows.length > 0 && bad.length === 0,
    serverError: bad.map((r) => r.error ?? '(no message)').join('; '),
    address: rows[0]?.address ?? null,
    netmask: rows[0]?.netmask ?? null,
  };
}

/** A self-signed certificate in the data directory, made by the server's user (the key must be its own). */
async function selfSignedCertificate(dataDir: string): Promise<void> {
  const script =
    'cd "$0" && openssl req -new -x509 -days 1 -nodes -subj /CN=localhost -keyout server.key -out server.crt 2>&1 && chmod 600 server.key';
  const run = await runAsPostgres('/bin/sh', ['-c', script, dataDir], { timeoutMs: 30_000 });
  if (run.code !== 0) throw new Error(`openssl failed: ${run.stdout}${run.stderr}`);
}

/** Runs `fn` with a server of `major` (ssl on), stopped and removed afterwards. */
export async function withHbaServer<T>(major: Major, fn: (server: HbaServer) => Promise<T>): Promise<T> {
  return withTempCluster(major, async (dataDir) => {
    await selfSignedCertificate(dataDir);
    const server = await startServer(major, { dataDir, settings: { ssl: 'on' } });
    try {
      const client = await server.connect();
      try {
        return await fn({
          judge: (line) => judge(client, dataDir, line),
          ruleCount: async (content) => {
            writeHba(dataDir, content);
            return (await client.query('SELECT line_number FROM pg_hba_file_rules')).rows.length;
          },
        });
      } finally {
        await client.end();
      }
    } finally {
      await server.stop();
    }
  });
}

/** Judges the lines one after the other. */
export async function judgeAll(server: HbaServer, lines: readonly string[]): Promise<ServerVerdict[]> {
  const out: ServerVerdict[] = [];
  for (const line of lines) out.push(await server.judge(line));
  return out;
}
