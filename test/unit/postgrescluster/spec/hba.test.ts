/**
 * spec.pgHba through checkSpec: each line parsed for the major, weak methods on TCP lines only with
 * spec.pgHbaAllowInsecure. Which lines the server itself refuses is proven against real servers in
 * test/realpg/hba.test.ts; these are the cases a reader needs to see.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { parseHbaLine } from '../../../../hooks/postgrescluster/spec/hba/parse.js';
import { hbaLineError } from '../../../../hooks/postgrescluster/spec/hba/policy.js';
import { pgmetaHbaRules, patroniLocalReplicationRule } from '../../../../hooks/postgrescluster/spilo/hba.js';
import { tokenizeHbaLine } from '../../../../hooks/postgrescluster/spec/hba/tokens.js';
import { SUPPORTED_MAJORS } from '../../../../hooks/postgrescluster/spec/resolved.js';
import { BASE, errorsOf } from './check-spec-support.js';
import { anyString } from '../../../support/code-points.js';

const hba = (lines: string[], extra: object = {}): unknown => ({ ...BASE, pgHba: lines, ...extra });

describe('weak methods on TCP lines need spec.pgHbaAllowInsecure', () => {
  it.each(['trust', 'password', 'md5', 'ident'])(
    '%s from anywhere is refused, naming the field to set',
    (m) => {
      expect(errorsOf(hba([`host all all 0.0.0.0/0 ${m}`]))).toEqual([
        { path: 'spec.pgHba[0]', message: expect.stringContaining('list it in spec.pgHbaAllowInsecure') },
      ]);
    },
  );

  it('counts loopback, samehost and hostssl lines as TCP', () => {
    const lines = [
      'host all all 127.0.0.1/32 trust',
      'host all all samehost md5',
      'hostssl all all all password',
    ];
    expect(errorsOf(hba(lines)).map((e) => e.path)).toEqual([
      'spec.pgHba[0]',
      'spec.pgHba[1]',
      'spec.pgHba[2]',
    ]);
  });

  it('accepts the methods the spec lists, and only those', () => {
    const lines = ['host all all 0.0.0.0/0 trust', 'host all all 10.0.0.0/8 md5'];
    expect(errorsOf(hba(lines, { pgHbaAllowInsecure: ['trust'] })).map((e) => e.path)).toEqual([
      'spec.pgHba[1]',
    ]);
    expect(errorsOf(hba(lines, { pgHbaAllowInsecure: ['trust', 'md5'] }))).toEqual([]);
  });

  it('never needs it on the Unix socket or for strong methods', () => {
    const lines = ['local all all trust', 'local all all md5', 'hostssl all all 10.0.0.0/8 scram-sha-256'];
    expect(errorsOf(hba([...lines, 'hostssl all all all cert', 'host all all all reject']))).toEqual([]);
  });

  it('refuses an unknown method in the opt-in list', () => {
    expect(errorsOf(hba([], { pgHbaAllowInsecure: ['scram-sha-256'] }))[0]?.path).toBe(
      'spec.pgHbaAllowInsecure[0]',
    );
  });
});

describe('malformed lines, which would keep the server from starting', () => {
  it.each<[string, string]>([
    ['host all all 10.0.0.0/33 scram-sha-256', 'invalid CIDR mask'],
    ['host all all 10.0.0.0 scram-sha-256', 'not an IP mask'],
    ['host all all all', 'ends before the authentication method'],
    ['host all all all scram-sha-256 map=x', 'option map is only for'],
    ['host all all all scram-sha-256 clientcert=verify-full', 'only for hostssl'],
    ['host all all all peer', 'peer works only on local'],
    ['host all all all sspi', 'not available on Linux'],
    ['hostssl all all all scram-sha-256 clientcert=1', 'clientcert must be verify-ca or verify-full'],
  ])('%s', (line, reason) => {
    expect(errorsOf(hba([line]))).toEqual([
      {
        path: 'spec.pgHba[0]',
        message: expect.stringMatching(new RegExp(`^PostgreSQL 16 would refuse it: .*${reason}`)),
      },
    ]);
  });

  it('judges a line by the major of the spec', () => {
    const legacy = 'hostssl all all all scram-sha-256 clientcert=1';
    expect(errorsOf(hba([legacy], { version: '13' }))).toEqual([]);
    const regex = 'hostssl all /^app_.*$ all scram-sha-256';
    expect(errorsOf(hba([regex], { version: '16' }))).toEqual([]);
    expect(errorsOf(hba([regex], { version: '15' }))[0]?.message).toContain(
      'regular expression from PostgreSQL 16',
    );
  });

  it.each<[string, string]>([
    ['host all @admins all scram-sha-256', 'must not include files'],
    ['host all all all scram-sha-256 \\', 'must not end with a backslash'],
    ['host all all 10.0.0.256 scram-sha-256', 'not a valid IP address'],
    ['host all all db_1.example.com scram-sha-256', 'not a valid host name'],
    ['host all all all scram-sha-256\u0000', 'control characters'],
    ['host all /^a[0-9]$ all scram-sha-256', 'may use only letters'],
  ])('pgmeta refuses what the server would take but cannot mean well: %s', (line, reason) => {
    expect(errorsOf(hba([line]))).toEqual([
      { path: 'spec.pgHba[0]', message: expect.stringContaining(reason) },
    ]);
  });

  it('reports a line the CRD rules refuse only once', () => {
    expect(errorsOf(hba(['hots all all all trust'])).map((e) => e.path)).toEqual(['spec.pgHba[0]']);
  });
});

describe('the tokenizer and parser', () => {
  it('reads quotes, lists and comments as the server does', () => {
    const texts = tokenizeHbaLine('host app,"my db" +admins, "a""b" all md5 # note').map((f) =>
      f.map((t) => t.text),
    );
    expect(texts).toEqual([['host'], ['app', 'my db'], ['+admins', 'a"b'], ['all'], ['md5']]);
    expect(tokenizeHbaLine('host app ,shop').map((f) => f.map((t) => t.text))).toEqual([
      ['host'],
      ['app'],
      ['shop'],
    ]);
  });

  it('gives the parts of a rule', () => {
    const parsed = parseHbaLine('hostssl app,shop +admins 10.0.0.0 255.0.0.0 cert map=m', '17');
    expect(parsed).toEqual({
      ok: true,
      rule: expect.objectContaining({
        type: 'hostssl',
        address: { kind: 'ip', family: 'ipv4', text: '10.0.0.0 255.0.0.0' },
        method: 'cert',
        options: [['map', 'm']],
      }),
    });
  });

  it("passes pgmeta's own rules on every major, without the opt-in", () => {
    const own = [
      patroniLocalReplicationRule(),
      ...[true, false].flatMap((enabled) => pgmetaHbaRules({ enabled })),
    ];
    for (const major of SUPPORTED_MAJORS)
      expect(own.map((l) => hbaLineError(l, major, []))).toEqual(own.map(() => undefined));
  });

  it('never throws, whatever the line', () => {
    fc.assert(
      fc.property(anyString(), fc.constantFrom(...SUPPORTED_MAJORS), (line, major) => {
        const result = parseHbaLine(line, major);
        expect(typeof result.ok).toBe('boolean');
      }),
    );
  });
});
