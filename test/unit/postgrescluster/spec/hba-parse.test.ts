/**
 * The pg_hba parser's guards on their own (hooks/postgrescluster/spec/hba/parse.ts), beside the
 * verdicts golden (test/golden/hba): the connection type is checked, each one-value field takes one
 * value, regular expressions are compiled only from 16 on, and a `local` rule carries no address.
 */
import { describe, expect, it } from '@jest/globals';
import { parseHbaLine } from '../../../../hooks/postgrescluster/spec/hba/parse.js';

const reason = (line: string, major: '15' | '16' = '16'): string | undefined => {
  const parsed = parseHbaLine(line, major);
  return parsed.ok ? undefined : parsed.reason;
};

describe('parseHbaLine', () => {
  it.each<[string, string]>([
    ['', 'ends before the connection type'],
    ['# only a comment', 'ends before the connection type'],
    ['host,local all all all md5', 'has more than one connection type'],
    ['hosts all all all md5', '"hosts" is not a connection type'],
    ['Host all all all md5', '"Host" is not a connection type'],
    ['host all all 10.0.0.0 255.0.0.0,255.255.0.0 md5', 'has more than one netmask'],
    ['host all all 10.0.0.0', 'ends before the netmask (write the address as a CIDR range, or add a mask)'],
    ['host all all all md5,trust', 'has more than one method'],
  ])('%j: %s', (line, why) => {
    expect(reason(line)).toBe(why);
  });

  it('compiles a /regular expression from 16 on only (before, it is a literal name)', () => {
    expect(reason('host all /(x all md5', '15')).toBeUndefined();
    expect(reason('host all /(x all md5', '16')).toBe('"(x" is not a valid regular expression');
  });

  it('gives a local rule no address at all, and a host rule its address', () => {
    const local = parseHbaLine('local all all trust', '16');
    expect(local.ok && Object.keys(local.rule)).toEqual(['type', 'databases', 'users', 'method', 'options']);
    const host = parseHbaLine('host all all samenet md5', '16');
    expect(host.ok && host.rule.address).toEqual({ kind: 'samenet' });
  });
});
