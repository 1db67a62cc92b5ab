/**
 * pgmeta's verdict on pg_hba lines against the real server's, for every supported major.
 *
 * Each line is written alone as the pg_hba.conf of a running server, which then shows how it reads
 * it in `pg_hba_file_rules` (the file on disk, not the one loaded): a row with an error, or with no
 * type (a line it could not parse), means the server would refuse the file and not start. The
 * server runs with `ssl = on` as Spilo's does (configure_spilo.py template), so hostssl lines can
 * match. The embedded build has no GSSAPI, PAM or LDAP, which Spilo's PGDG build has: for those lines
 * the server can only say "not supported by this build", and the test checks that it says so and
 * nothing else.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { Client } from 'pg';
import { WEAK_METHODS, hbaLineError } from '../../hooks/postgrescluster/spec/hba/policy';
import { PG_MAJORS, runAsPostgres, startServer, withTempCluster, type Major } from '../support/pgbin';
import { COMPARED, POLICY } from './hba-cases';

const ALL_WEAK = Object.keys(WEAK_METHODS);
const NOT_BUILT = 'not supported by this build';

interface Verdict {
  line: string;
  server: boolean;
  serverError: string;
  pgmeta: string | undefined;
}

/** How the server reads `line` as its whole pg_hba.conf. */
async function serverVerdict(client: Client, dataDir: string, line: string): Promise<Verdict> {
  writeFileSync(join(dataDir, 'pg_hba.conf'), `${line}\n`, { mode: 0o644 });
  const { rows } = await client.query<{ type: string | null; error: string | null }>(
    'SELECT type, error FROM pg_hba_file_rules',
  );
  const bad = rows.filter((r) => r.error !== null || r.type === null);
  const serverError = bad.map((r) => r.error ?? '(no message)').join('; ');
  return { line, server: rows.length > 0 && bad.length === 0, serverError, pgmeta: undefined };
}

/** A self-signed certificate in the data directory, made by the server's user (the key must be its own). */
async function selfSignedCertificate(dataDir: string): Promise<void> {
  const script =
    'cd "$0" && openssl req -new -x509 -days 1 -nodes -subj /CN=localhost -keyout server.key -out server.crt 2>&1 && chmod 600 server.key';
  const run = await runAsPostgres('/bin/sh', ['-c', script, dataDir], { timeoutMs: 30_000 });
  if (run.code !== 0) throw new Error(`openssl failed: ${run.stdout}${run.stderr}`);
}

/** How many rules the server reads from a user line ending in a backslash followed by pgmeta's next rule. */
async function rulesAfterBackslash(client: Client, dataDir: string): Promise<number> {
  writeFileSync(join(dataDir, 'pg_hba.conf'), 'host all all all md5 \\\nlocal all all trust\n', {
    mode: 0o644,
  });
  const { rows } = await client.query('SELECT line_number FROM pg_hba_file_rules');
  return rows.length;
}

/**
 * Regular expressions over the characters pgmeta allows in them (hba/policy.ts `REGEX_SUBSET`),
 * fixed by a seed: within the subset the hook and the server must agree on which ones compile.
 */
function subsetRegexLines(): string[] {
  const chars = ['a', 'b', '1', '_', '.', '-', '^', '$', '|', '(', ')', '*', '+', '?'];
  const patterns = fc.sample(fc.array(fc.constantFrom(...chars), { minLength: 1, maxLength: 6 }), {
    numRuns: 600,
    seed: 42,
  });
  return [...new Set(patterns.map((p) => `host all /${p.join('')} all md5`))];
}

async function verdicts(major: Major, lines: readonly string[]): Promise<Verdict[]> {
  return withTempCluster(major, async (dataDir) => {
    await selfSignedCertificate(dataDir);
    const server = await startServer(major, { dataDir, settings: { ssl: 'on' } });
    try {
      const client = await server.connect();
      try {
        const out: Verdict[] = [];
        // The trailing backslash joins the next line from 14 on (pgmeta refuses it on every major).
        expect(await rulesAfterBackslash(client, dataDir)).toBe(Number(major) >= 14 ? 1 : 2);
        for (const line of lines) {
          const v = await serverVerdict(client, dataDir, line);
          out.push({ ...v, pgmeta: hbaLineError(line, major, ALL_WEAK) });
        }
        return out;
      } finally {
        await client.end();
      }
    } finally {
      await server.stop();
    }
  });
}

const isPolicy = (message: string | undefined): boolean =>
  message !== undefined && !message.startsWith('PostgreSQL ');

describe.each(PG_MAJORS)('pg_hba lines against the real PostgreSQL %s', (major) => {
  it('refuses exactly the lines the server refuses', async () => {
    const all = await verdicts(major, [...COMPARED, ...POLICY]);
    const compared = all.slice(0, COMPARED.length);
    // Lines the embedded build cannot judge: the only complaint is the missing build feature.
    const unjudged = compared.filter((v) => v.serverError.includes(NOT_BUILT) && v.pgmeta === undefined);
    for (const v of unjudged)
      expect(v.serverError.split('; ').every((e) => e.includes(NOT_BUILT))).toBe(true);
    // Before 16 a leading `/` is a literal name to the server; pgmeta refuses it by policy.
    const regexPolicy = compared.filter((v) => isPolicy(v.pgmeta));
    for (const v of regexPolicy) {
      expect([major, v.pgmeta]).toEqual([
        major,
        expect.stringContaining('regular expression from PostgreSQL 16'),
      ]);
      expect(Number(major)).toBeLessThan(16);
    }
    const judged = compared.filter((v) => !unjudged.includes(v) && !regexPolicy.includes(v));
    const disagreements = judged.filter((v) => v.server !== (v.pgmeta === undefined));
    expect(disagreements).toEqual([]);
    // Both verdicts occur, so the comparison means something.
    expect(judged.filter((v) => v.server).length).toBeGreaterThan(30);
    expect(judged.filter((v) => !v.server).length).toBeGreaterThan(30);
    expect(unjudged.length).toBeLessThanOrEqual(4);
    if (Number(major) >= 16) {
      const regex = await verdicts(major, subsetRegexLines());
      expect(regex.filter((v) => v.server !== (v.pgmeta === undefined))).toEqual([]);
      expect(regex.filter((v) => v.server).length).toBeGreaterThan(50);
      expect(regex.filter((v) => !v.server).length).toBeGreaterThan(50);
    }
    // Policy lines: refused by pgmeta with its own reason, whatever the server does with them.
    for (const v of all.slice(COMPARED.length)) expect([v.line, isPolicy(v.pgmeta)]).toEqual([v.line, true]);
  }, 120_000);
});
