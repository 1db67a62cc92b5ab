/**
 * Addresses in pg_hba lines, read by pgmeta's parser and by the real server of every major: seeded
 * random tokens of digits, hex letters, dots, colons, slashes and signs, each followed by a method,
 * an IPv4 mask or an IPv6 mask. The parser must accept a line exactly when the server does, and take
 * the token as a host name exactly when the server does (a host name has no netmask in
 * `pg_hba_file_rules`): this holds the glibc `getaddrinfo` forms (hba/address.ts) to the truth.
 */
import { describe, expect, it } from '@jest/globals';
import { parseHbaLine } from '../../hooks/postgrescluster/spec/hba/parse';
import { PG_MAJORS } from '../support/pgbin';
import { addressLines } from './hba-cases';
import { judgeAll, withHbaServer } from './hba-server';

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
