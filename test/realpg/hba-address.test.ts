/**
 * Addresses in pg_hba lines, read by pgmeta's parser and by the real server of every major: seeded
 * random tokens of digits, hex letters, dots, colons, slashes and signs, each followed by a method,
 * an IPv4 mask or an IPv6 mask. The parser must accept a line exactly when the server does, and take
 * the token as a host name exactly when the server does (a host name has no netmask in
 * `pg_hba_file_rules`): this holds the glibc `getaddrinfo` forms (hba/address.ts) to the truth.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { parseHbaLine } from '../../hooks/postgrescluster/spec/hba/parse';
import { PG_MAJORS } from '../support/pgbin';
import { judgeAll, withHbaServer } from './hba-server';

/** Tokens shaped like addresses: dotted parts in every base, hex groups with `::`, CIDR lengths. */
function addressTokens(): fc.Arbitrary<string> {
  const anyChars = fc
    .array(fc.constantFrom('0', '1', '2', '5', '9', 'a', 'f', 'x', '.', ':', '/', '+', '-'), {
      minLength: 1,
      maxLength: 14,
    })
    .map((t) => t.join(''));
  const v4 = fc
    .array(fc.constantFrom('0', '1', '10', '255', '256', '0x1f', '0x', '010', '08', '65535', '4294967295'), {
      minLength: 1,
      maxLength: 5,
    })
    .map((p) => p.join('.'));
  const v6 = fc
    .array(fc.constantFrom('', '0', '1', 'ffff', 'fffff', 'g', '1.2.3.4', '01.2.3.4'), {
      minLength: 2,
      maxLength: 9,
    })
    .map((p) => p.join(':'));
  const bits = fc.constantFrom('', '/0', '/8', '/+8', '/-0', '/32', '/33', '/128', '/129', '/', '/8x');
  return fc.oneof(
    anyChars,
    fc.tuple(fc.oneof(v4, v6), bits).map(([a, b]) => a + b),
  );
}

function addressLines(): string[] {
  const tokens = fc.sample(addressTokens(), { numRuns: 500, seed: 7 });
  return [...new Set(tokens)].flatMap((t) => [
    `host all all ${t} md5`,
    `host all all ${t} 255.0.0.0 md5`,
    `host all all ${t} ffff:: md5`,
  ]);
}

describe.each(PG_MAJORS)('pg_hba addresses against the real PostgreSQL %s', (major) => {
  it('reads each address as the server does: numeric, host name or invalid', async () => {
    const verdicts = await withHbaServer(major, (server) => judgeAll(server, addressLines()));
    const differences = verdicts.flatMap((v) => {
      const parsed = parseHbaLine(v.line, major);
      const hostname = parsed.ok && parsed.rule.address?.kind === 'hostname';
      const same = v.server === parsed.ok && (!v.server || (v.netmask === null) === hostname);
      return same ? [] : [{ ...v, pgmeta: parsed }];
    });
    expect(differences).toEqual([]);
    expect(verdicts.filter((v) => v.server && v.netmask !== null).length).toBeGreaterThan(20);
    expect(verdicts.filter((v) => v.server && v.netmask === null).length).toBeGreaterThan(50);
    expect(verdicts.filter((v) => !v.server).length).toBeGreaterThan(50);
  }, 120_000);
});
