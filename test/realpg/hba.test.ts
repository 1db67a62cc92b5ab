/**
 * pgmeta's verdict on pg_hba lines against the real server's, for every supported major
 * (./hba-server.ts: each line alone as the pg_hba.conf of a running server, read back from
 * `pg_hba_file_rules`). The embedded build has no GSSAPI, PAM or LDAP, which Spilo's PGDG build has:
 * for those lines the server can only say "not supported by this build", and the test checks that it
 * says so and nothing else.
 */
import { describe, expect, it } from '@jest/globals';
import { parseHbaLine } from '../../hooks/postgrescluster/spec/hba/parse';
import { WEAK_METHODS, hbaLineError } from '../../hooks/postgrescluster/spec/hba/policy';
import { PG_MAJORS, type Major } from '../support/pgbin';
import { COMPARED, POLICY, subsetRegexLines, tokenizerLines } from './hba-cases';
import { judgeAll, withHbaServer, type ServerVerdict } from './hba-server';

const ALL_WEAK = Object.keys(WEAK_METHODS);
const NOT_BUILT = 'not supported by this build';

type Verdict = ServerVerdict & { pgmeta: string | undefined };

const withPgmeta = (major: Major, verdicts: ServerVerdict[]): Verdict[] =>
  verdicts.map((v) => ({ ...v, pgmeta: hbaLineError(v.line, major, ALL_WEAK) }));

const isPolicy = (message: string | undefined): boolean =>
  message !== undefined && !message.startsWith('PostgreSQL ');

/** The table of lines: pgmeta refuses exactly what the server refuses, apart from the stated exceptions. */
function expectSameVerdicts(major: Major, compared: Verdict[]): void {
  // Lines the embedded build cannot judge: the only complaint is the missing build feature.
  const unjudged = compared.filter((v) => v.serverError.includes(NOT_BUILT) && v.pgmeta === undefined);
  for (const v of unjudged) expect(v.serverError.split('; ').every((e) => e.includes(NOT_BUILT))).toBe(true);
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
  expect(judged.filter((v) => v.server !== (v.pgmeta === undefined))).toEqual([]);
  // Both verdicts occur, so the comparison means something.
  expect(judged.filter((v) => v.server).length).toBeGreaterThan(30);
  expect(judged.filter((v) => !v.server).length).toBeGreaterThan(30);
  expect(unjudged.length).toBeLessThanOrEqual(4);
}

describe.each(PG_MAJORS)('pg_hba lines against the real PostgreSQL %s', (major) => {
  it('refuses exactly the lines the server refuses', async () => {
    await withHbaServer(major, async (server) => {
      expectSameVerdicts(major, withPgmeta(major, await judgeAll(server, COMPARED)));
      // Policy lines: refused by pgmeta with its own reason, whatever the server does with them.
      for (const v of withPgmeta(major, await judgeAll(server, POLICY)))
        expect([v.line, isPolicy(v.pgmeta)]).toEqual([v.line, true]);
      // A trailing backslash joins the next line from 14 on (pgmeta refuses it on every major).
      const joined = await server.ruleCount('host all all all md5 \\\nlocal all all trust\n');
      expect(joined).toBe(Number(major) >= 14 ? 1 : 2);
      const tokenized = await judgeAll(server, tokenizerLines());
      const parsedOk = (line: string): boolean => parseHbaLine(line, major).ok;
      expect(tokenized.filter((v) => v.server !== parsedOk(v.line))).toEqual([]);
      expect(tokenized.filter((v) => v.server).length).toBeGreaterThan(30);
      if (Number(major) < 16) return;
      const regex = withPgmeta(major, await judgeAll(server, subsetRegexLines()));
      expect(regex.filter((v) => v.server !== (v.pgmeta === undefined))).toEqual([]);
      expect(regex.filter((v) => v.server).length).toBeGreaterThan(50);
      expect(regex.filter((v) => !v.server).length).toBeGreaterThan(50);
    });
  }, 120_000);
});
