/**
 * The option checks of pg_hba lines on their own (hooks/postgrescluster/spec/hba/options.ts), each at
 * its edge: PostgreSQL's list splitting, DNS names, which option belongs to which method and major,
 * the value checks, and the checks across the options of an ldap or radius line. The verdicts golden
 * (test/golden/hba) holds the lines the real servers judged; these are the boundaries between them.
 */
import { describe, expect, it } from '@jest/globals';
import {
  isDnsName,
  optionError,
  optionSetError,
  splitGucList,
  type Method,
  type OptionContext,
} from '../../../../hooks/postgrescluster/spec/hba/options.js';
import type { PgMajor } from '../../../../hooks/postgrescluster/spec/resolved.js';

const ctx = (method: Method, o: { major?: PgMajor; hostssl?: boolean } = {}): OptionContext => ({
  major: o.major ?? '16',
  method,
  hostssl: o.hostssl ?? false,
});
const one = (c: OptionContext, name: string, value: string) => optionError(c, [name, value], new Map());
const set = (method: Method, options: Record<string, string>) =>
  optionSetError(ctx(method), new Map(Object.entries(options)));

describe('splitGucList', () => {
  it.each<[string, string[] | undefined]>([
    ['', []],
    ['  \t', []],
    ['a', ['a']],
    [' a , b ', ['a', 'b']],
    ['a,b,c', ['a', 'b', 'c']],
    ['"a b","c""d"', ['a b', 'c"d']],
    ['"",a', undefined],
    ['a,', undefined],
    [',a', undefined],
    ['a,,b', undefined],
    ['a b', undefined],
    ['"open', undefined],
    ['\va,\vb', ['a', 'b']],
    ['a\v,b', ['a', 'b']],
    ['a  ,b', ['a', 'b']],
    ['a,  b', ['a', 'b']],
    ['a,b c', undefined],
    ['a,"b"', ['a', 'b']],
    ['",a', undefined],
    ['a"b,c', ['a"b', 'c']],
    ['Va,Vb', ['Va', 'Vb']],
    ['a""b', ['a""b']],
    ['a\u00a0b', ['a\u00a0b']],
    ['a,"b', undefined],
  ])('%j → %j', (value, items) => {
    expect(splitGucList(value)).toEqual(items);
  });
});

describe('isDnsName', () => {
  const label63 = 'a'.repeat(63);
  it.each<[string, boolean]>([
    ['db', true],
    ['db.example.com', true],
    ['.example.com', true],
    ['example.com.', true],
    ['a-b.c', true],
    ['-a.com', false],
    ['a-.com', false],
    ['a..b', false],
    ['a_b.com', false],
    ['', false],
    [label63, true],
    [`${label63}a`, false],
    [[label63, label63, label63, 'a'.repeat(61)].join('.'), true],
    [[label63, label63, label63, 'a'.repeat(62)].join('.'), false],
  ])('%j: %s', (name, ok) => {
    expect(isDnsName(name)).toBe(ok);
  });
});

describe('optionError: whose option it is', () => {
  it.each<[string, OptionContext, string, string, string | undefined]>([
    [
      'clientcert off hostssl',
      ctx('scram-sha-256'),
      'clientcert',
      'verify-full',
      'clientcert is only for hostssl lines',
    ],
    ['clientname off hostssl', ctx('cert'), 'clientname', 'CN', 'clientname is only for hostssl lines'],
    ['clientname CN', ctx('cert', { hostssl: true }), 'clientname', 'CN', undefined],
    ['clientname DN', ctx('cert', { hostssl: true }), 'clientname', 'DN', undefined],
    ['clientname cn', ctx('cert', { hostssl: true }), 'clientname', 'cn', 'clientname must be CN or DN'],
    [
      'clientname on 13 (it came in 14)',
      ctx('cert', { major: '13', hostssl: true }),
      'clientname',
      'CN',
      'unknown option "clientname"',
    ],
    ['an unknown option', ctx('md5'), 'colour', 'x', 'unknown option "colour"'],
    ['an inherited name is no option', ctx('md5'), 'toString', 'x', 'unknown option "toString"'],
    ['map with md5', ctx('md5'), 'map', 'm', 'option map is only for ident, peer, gss, sspi, cert'],
    ['map with peer', ctx('peer'), 'map', 'm', undefined],
    ['map with oauth on 18', ctx('oauth', { major: '18' }), 'map', 'm', undefined],
    [
      'map with oauth on 17',
      ctx('oauth', { major: '17' }),
      'map',
      'm',
      'option map is only for ident, peer, gss, sspi, cert',
    ],
    ['issuer on 18', ctx('oauth', { major: '18' }), 'issuer', 'https://x', undefined],
    ['issuer on 17', ctx('oauth', { major: '17' }), 'issuer', 'https://x', 'unknown option "issuer"'],
    ['issuer with md5 on 18', ctx('md5', { major: '18' }), 'issuer', 'x', 'option issuer is only for oauth'],
    ['pamservice with pam', ctx('pam'), 'pamservice', 'x', undefined],
    ['krb_realm with ldap', ctx('ldap'), 'krb_realm', 'x', 'option krb_realm is only for gss, sspi'],
  ])('%s', (_what, c, name, value, error) => {
    expect(one(c, name, value)).toBe(error);
  });

  it('records the options that belong to the method, and only those', () => {
    const seen = new Map<string, string>();
    optionError(ctx('ldap'), ['ldapserver', 'a'], seen);
    optionError(ctx('ldap'), ['map', 'm'], seen);
    optionError(ctx('ldap', { hostssl: true }), ['clientcert', 'verify-full'], seen);
    expect([...seen]).toEqual([['ldapserver', 'a']]);
  });
});

describe('optionError: clientcert values by major and method', () => {
  const ssl = (method: Method, major: PgMajor) => ctx(method, { major, hostssl: true });
  it.each<[Method, PgMajor, string, string | undefined]>([
    ['scram-sha-256', '16', 'verify-full', undefined],
    ['scram-sha-256', '16', 'verify-ca', undefined],
    ['cert', '16', 'verify-full', undefined],
    ['cert', '16', 'verify-ca', 'clientcert must be verify-full with cert authentication'],
    ['cert', '13', 'verify-ca', undefined],
    ['cert', '13', '1', undefined],
    ['cert', '13', '0', 'clientcert must be verify-full with cert authentication'],
    ['cert', '13', 'no-verify', 'clientcert must be verify-full with cert authentication'],
    ['scram-sha-256', '13', 'no-verify', undefined],
    ['scram-sha-256', '13', '0', undefined],
    ['scram-sha-256', '14', '1', 'clientcert must be verify-ca or verify-full, not "1"'],
    ['scram-sha-256', '14', 'no-verify', 'clientcert must be verify-ca or verify-full, not "no-verify"'],
    ['scram-sha-256', '13', 'toString', 'clientcert must be verify-ca or verify-full, not "toString"'],
  ])('%s on %s: clientcert=%s', (method, major, value, error) => {
    expect(one(ssl(method, major), 'clientcert', value)).toBe(error);
  });
});

describe('optionError: values', () => {
  it.each<[Method, string, string, string | undefined]>([
    ['ldap', 'ldapport', '389', undefined],
    ['ldap', 'ldapport', ' +636x', undefined],
    ['ldap', 'ldapport', '0', 'ldapport must be a port number, not "0"'],
    ['ldap', 'ldapport', 'x', 'ldapport must be a port number, not "x"'],
    ['ldap', 'ldapport', 'x389', 'ldapport must be a port number, not "x389"'],
    ['ldap', 'ldapport', '\v389', undefined],
    ['ldap', 'ldapport', '05', undefined],
    ['ldap', 'ldapurl', 'ldap://h/dc=x', undefined],
    ['ldap', 'ldapurl', 'LDAPS://h', undefined],
    ['ldap', 'ldapurl', 'http://h', 'ldapurl must be an ldap:// or ldaps:// URL'],
    ['ldap', 'ldapurl', 'ldap://h x', 'ldapurl must be an ldap:// or ldaps:// URL'],
    ['ldap', 'ldapurl', 'xldap://h', 'ldapurl must be an ldap:// or ldaps:// URL'],
    ['radius', 'radiusports', '1812,1813', undefined],
    ['radius', 'radiusports', '1812,0', 'radiusports must be port numbers'],
    ['radius', 'radiusports', '1812,,1', 'radiusports must be a comma-separated list'],
    ['radius', 'radiusservers', '10.0.0.1,radius.example.com', undefined],
    ['radius', 'radiusservers', 'fd00::1', undefined],
    ['radius', 'radiusservers', 'bad_name', 'radiusservers must be IP addresses or DNS names'],
    ['radius', 'radiussecrets', 'not a list', 'radiussecrets must be a comma-separated list'],
    ['radius', 'radiussecrets', 's3cret!,_x', undefined],
    ['radius', 'radiusidentifiers', 'pg_1', undefined],
    ['radius', 'radiusidentifiers', 'a,b', undefined],
  ])('%s %s=%j', (method, name, value, error) => {
    expect(one(ctx(method), name, value)).toBe(error);
  });
});

describe('optionSetError', () => {
  const MIX = 'ldap cannot mix simple bind (ldapprefix, ldapsuffix) and search+bind options';
  const NEEDS = 'ldap needs ldapbasedn, ldapprefix or ldapsuffix';
  it.each<[Record<string, string>, string | undefined]>([
    [{ ldapbasedn: 'dc=x' }, undefined],
    [{ ldapprefix: 'cn=' }, undefined],
    [{ ldapsuffix: ',dc=x' }, undefined],
    [{ ldapurl: 'ldap://h/dc=x' }, undefined],
    [{ ldapurl: 'ldap://ldap.example.com:389/dc=example,dc=com' }, undefined],
    [{ ldapurl: 'ldap://h' }, NEEDS],
    [{ ldapurl: 'ldap://h/' }, NEEDS],
    [{ ldapserver: 'h' }, NEEDS],
    [{ ldapprefix: 'cn=', ldapurl: 'ldaps://h/dc=x' }, MIX],
    [{ ldapsuffix: 'x', ldapbinddn: 'y' }, MIX],
    [{ ldapprefix: 'x', ldapbasedn: 'y' }, MIX],
    [{ ldapprefix: 'x', ldapbinddn: 'y' }, MIX],
    [{ ldapprefix: 'x', ldapbindpasswd: 'y' }, MIX],
    [{ ldapsuffix: 'x', ldapsearchattribute: 'y' }, MIX],
    [{ ldapprefix: 'x', ldapsearchfilter: 'y' }, MIX],
    [
      { ldapbasedn: 'b', ldapsearchattribute: 'uid', ldapsearchfilter: 'f' },
      'ldap cannot use ldapsearchattribute together with ldapsearchfilter',
    ],
    [{ ldapbasedn: 'b', ldapsearchattribute: 'uid' }, undefined],
  ])('ldap %j: %s', (options, error) => {
    expect(set('ldap', options)).toBe(error);
  });

  it.each<[Record<string, string>, string | undefined]>([
    [{ radiusservers: 'a', radiussecrets: 's' }, undefined],
    [{ radiussecrets: 's' }, 'radius needs radiusservers'],
    [{ radiusservers: '', radiussecrets: 's' }, 'radius needs radiusservers'],
    [{ radiusservers: 'a' }, 'radius needs radiussecrets'],
    [{ radiusservers: 'a', radiussecrets: '' }, 'radius needs radiussecrets'],
    [{ radiusservers: 'a,b', radiussecrets: 's' }, undefined],
    [{ radiusservers: 'a,b', radiussecrets: 's,t' }, undefined],
    [
      { radiusservers: 'a,b', radiussecrets: 's,t,u' },
      'radiussecrets must have one item or as many as radiusservers',
    ],
    [
      { radiusservers: 'a,b', radiussecrets: 's', radiusports: '1,2,3' },
      'radiusports must have one item or as many as radiusservers',
    ],
    [{ radiusservers: 'a,b', radiussecrets: 's', radiusports: '' }, undefined],
    [{ radiusservers: 'a,b', radiussecrets: 's', radiusidentifiers: 'i,j' }, undefined],
    [
      { radiusservers: 'a,b', radiussecrets: 's', radiusidentifiers: 'i,j,k' },
      'radiusidentifiers must have one item or as many as radiusservers',
    ],
  ])('radius %j: %s', (options, error) => {
    expect(set('radius', options)).toBe(error);
  });

  it('refuses oauth (no validator library in the image) and checks nothing across other methods', () => {
    expect(set('oauth', {})).toBe(
      'oauth needs a validator library (oauth_validator_libraries), which the image does not provide',
    );
    expect(set('md5', { ldapsearchattribute: 'a', ldapsearchfilter: 'b' })).toBeUndefined();
  });
});
