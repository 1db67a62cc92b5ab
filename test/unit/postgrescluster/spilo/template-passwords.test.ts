/**
 * Hand-set superuser and replication passwords that Spilo's configuration template changes before
 * PostgreSQL sees them (hooks/postgrescluster/spilo/template-passwords.ts): which ones, and what status
 * says. test/spilo/template-passwords.test.ts holds the character set to the real pystache and PyYAML.
 * Before this check the hook said nothing, and clients using such a Secret were refused.
 */
import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../../../hooks/lib/k8s.js';
import {
  reachesPostgres,
  templatePasswordsCondition,
} from '../../../../hooks/postgrescluster/spilo/template-passwords.js';
import { conditionOf, syncWithHandSetPassword } from '../../../support/hand-set-secret.js';

const utf8 = (s: string) => Buffer.from(s, 'utf8');
const secret = (name: string, password: Buffer): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace: 'shop' },
  data: { password: password.toString('base64') },
});

describe('reachesPostgres', () => {
  it.each(['chosen', 'Zm9v-YmFy_', 'p@ss w0rd!#%*{}[]:,|?\\$(X)', '\ttab', 'ünïcødé €', '😀', 'a\u2028b'])(
    'keeps %j',
    (password) => {
      expect(reachesPostgres(utf8(password))).toBe(true);
    },
  );

  it.each([
    ['an ampersand', utf8('a&b')],
    ['a less-than sign', utf8('a<b')],
    ['a greater-than sign', utf8('a>b')],
    ['a double quote', utf8('a"b')],
    ['a single quote', utf8("a'b")],
    ['a line feed', utf8('a\nb')],
    ['a carriage return', utf8('a\rb')],
    ['NUL', utf8('a\u0000b')],
    ['U+001F', utf8('a\u001fb')],
    ['DEL', utf8('a\u007fb')],
    ['U+0080', utf8('a\u0080b')],
    ['U+009F', utf8('a\u009fb')],
    ['U+FFFE', utf8('a\ufffeb')],
    ['U+FFFF', utf8('a\uffffb')],
    ['bytes that are not UTF-8', Buffer.from([0x61, 0xff, 0x62])],
  ])('changes or refuses one with %s', (_what, bytes) => {
    expect(reachesPostgres(bytes)).toBe(false);
  });
});

describe('templatePasswordsCondition', () => {
  const cluster = { name: 'orders' };

  it('is absent when the Secrets are missing or hold passwords that reach PostgreSQL', () => {
    expect(templatePasswordsCondition(cluster, {})).toBeUndefined();
    const secrets = { 'orders-superuser': secret('orders-superuser', utf8('chosen')) };
    expect(templatePasswordsCondition(cluster, secrets)).toBeUndefined();
  });

  it('names each Secret and key, never the password, and ignores the application Secret', () => {
    const secrets = {
      'orders-superuser': secret('orders-superuser', utf8('s3cr&t')),
      'orders-replication': secret('orders-replication', utf8("re'pl")),
      'orders-app': secret('orders-app', utf8('a&b')),
    };
    const condition = templatePasswordsCondition(cluster, secrets);
    expect(condition).toMatchObject({
      type: 'CredentialSecretsValid',
      status: 'False',
      reason: 'PasswordChangedBySpilo',
    });
    expect(condition?.message).toMatch(
      /^Secret orders-superuser data\.password and Secret orders-replication data\.password does not reach PostgreSQL as written/,
    );
    expect(condition?.message).not.toContain('orders-app');
    expect(condition?.message).not.toContain('s3cr');
  });
});

describe('the hook, given a cluster whose superuser Secret was set by hand', () => {
  it('says so in status and renders the same children', () => {
    const good = syncWithHandSetPassword('superuser', utf8('chosen'));
    const bad = syncWithHandSetPassword('superuser', utf8('cho&sen'));
    expect(conditionOf(good.status, 'CredentialSecretsValid')).toBeUndefined();
    expect(conditionOf(bad.status, 'CredentialSecretsValid')).toMatchObject({
      status: 'False',
      reason: 'PasswordChangedBySpilo',
    });
    const withoutSecrets = (children: KubeObject[]) => children.filter((c) => c.kind !== 'Secret');
    expect(withoutSecrets(bad.children)).toEqual(withoutSecrets(good.children));
  });
});
