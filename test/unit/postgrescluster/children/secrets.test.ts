import { createHmac } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  buildSecret,
  buildSecrets,
  derivePassword,
  observedPassword,
  resolveCredentials,
} from '../../../../hooks/postgrescluster/children/secrets.js';
import type { KubeObject } from '../../../../hooks/lib/k8s.js';
import { aCluster } from '../../../support/cluster-fixture.js';

const KEY = new Uint8Array(32).fill(7);
const OTHER_KEY = new Uint8Array(32).fill(9);
const b64 = (s: string): string => Buffer.from(s).toString('base64');
const unb64 = (s: string | undefined): string => Buffer.from(s ?? '', 'base64').toString('utf8');

function decoded(secret: { data?: Record<string, string> }): Record<string, string> {
  return Object.fromEntries(Object.entries(secret.data ?? {}).map(([k, v]) => [k, unb64(v)]));
}

function secretWithPassword(name: string, password: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name }, data: { password: b64(password) } };
}

describe('derivePassword', () => {
  it('is HMAC-SHA256(operator key, "<uid>/<purpose>") in unpadded base64url', () => {
    const expected = createHmac('sha256', KEY).update('uid-1/app').digest('base64url');
    expect(derivePassword(KEY, 'uid-1', 'app')).toBe(expected);
    expect(expected).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('differs by purpose, by cluster UID and by operator key', () => {
    const all = [
      derivePassword(KEY, 'uid-1', 'app'),
      derivePassword(KEY, 'uid-1', 'superuser'),
      derivePassword(KEY, 'uid-1', 'replication'),
      derivePassword(KEY, 'uid-2', 'app'),
      derivePassword(OTHER_KEY, 'uid-1', 'app'),
    ];
    expect(new Set(all).size).toBe(all.length);
  });
});

describe('observedPassword', () => {
  it.each([
    ['a Secret with a password', secretWithPassword('x', 's3cret'), 's3cret'],
    ['no Secret', undefined, undefined],
    ['a Secret without data', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } }, undefined],
    [
      'an empty password',
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' }, data: { password: '' } },
      undefined,
    ],
    [
      'data that is not an object',
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' }, data: 'junk' },
      undefined,
    ],
    [
      'a password that is not a string',
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' }, data: { password: 5 } },
      undefined,
    ],
  ] as [string, KubeObject | undefined, string | undefined][])('%s', (_label, secret, expected) => {
    expect(observedPassword(secret)).toBe(expected);
  });
});

describe('resolveCredentials', () => {
  const cluster = aCluster().withName('demo').withBootstrap({ owner: 'shop', database: 'orders' }).build();

  it('derives every password when no Secret is observed', () => {
    const c = resolveCredentials(cluster, { operatorKey: KEY, observedSecrets: {} });
    expect(c.superuser).toEqual({
      purpose: 'superuser',
      username: 'postgres',
      dbname: 'postgres',
      password: derivePassword(KEY, cluster.uid, 'superuser'),
    });
    expect(c.replication).toMatchObject({
      username: 'standby',
      password: derivePassword(KEY, cluster.uid, 'replication'),
    });
    expect(c.app).toMatchObject({
      username: 'shop',
      dbname: 'orders',
      password: derivePassword(KEY, cluster.uid, 'app'),
    });
  });

  it("reuses an observed Secret's password (even one a user set) instead of deriving it", () => {
    const observed = { 'demo-app': secretWithPassword('demo-app', 'chosen by a human') };
    const c = resolveCredentials(cluster, { operatorKey: KEY, observedSecrets: observed });
    expect(c.app.password).toBe('chosen by a human');
    expect(c.superuser.password).toBe(derivePassword(KEY, cluster.uid, 'superuser'));
  });

  it('ignores Secrets of other names', () => {
    const observed = { 'other-app': secretWithPassword('other-app', 'nope') };
    expect(resolveCredentials(cluster, { operatorKey: KEY, observedSecrets: observed }).app.password).toBe(
      derivePassword(KEY, cluster.uid, 'app'),
    );
  });
});

describe('buildSecrets', () => {
  const cluster = aCluster()
    .withName('demo')
    .withNamespace('prod')
    .withBootstrap({ owner: 'shop', database: 'orders' })
    .build();

  it('renders the same Secrets whether or not they are observed (no accidental rotation)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 64 }), fc.uuid(), (key, uid) => {
        const c = { ...cluster, uid };
        const fresh = buildSecrets(c, resolveCredentials(c, { operatorKey: key, observedSecrets: {} }));
        const observed = Object.fromEntries(fresh.map((s) => [s.metadata.name, s as unknown as KubeObject]));
        const again = buildSecrets(c, resolveCredentials(c, { operatorKey: key, observedSecrets: observed }));
        expect(again).toEqual(fresh);
      }),
      { numRuns: 50 },
    );
  });

  it('names the Secrets and marks them protected, Opaque, data only', () => {
    const secrets = buildSecrets(
      cluster,
      resolveCredentials(cluster, { operatorKey: KEY, observedSecrets: {} }),
    );
    expect(secrets.map((s) => s.metadata.name)).toEqual(['demo-superuser', 'demo-replication', 'demo-app']);
    for (const s of secrets) {
      expect(s).toMatchObject({ apiVersion: 'v1', kind: 'Secret', type: 'Opaque' });
      expect(s.metadata.namespace).toBe('prod');
      expect(s.metadata.annotations).toEqual({ 'pgmeta.io/protected': 'true' });
      expect(s).not.toHaveProperty('stringData');
      expect(Object.keys(s.data ?? {})).toEqual([
        'dbname',
        'host',
        'jdbc-uri',
        'password',
        'port',
        'uri',
        'username',
      ]);
    }
  });

  it('writes ready-to-use connection details for the application owner', () => {
    const app = decoded(
      buildSecret(cluster, { purpose: 'app', username: 'shop', password: 'pw', dbname: 'orders' }),
    );
    expect(app).toEqual({
      username: 'shop',
      password: 'pw',
      host: 'demo.prod.svc',
      port: '5432',
      dbname: 'orders',
      uri: 'postgresql://shop:pw@demo.prod.svc:5432/orders',
      'jdbc-uri': 'jdbc:postgresql://demo.prod.svc:5432/orders?user=shop&password=pw',
    });
  });

  it('percent-encodes user and password in the URIs', () => {
    const data = decoded(
      buildSecret(cluster, { purpose: 'app', username: 'a@b', password: 'p:w/@?&=#% x', dbname: 'orders' }),
    );
    expect(data['password']).toBe('p:w/@?&=#% x');
    expect(data['uri']).toBe('postgresql://a%40b:p%3Aw%2F%40%3F%26%3D%23%25%20x@demo.prod.svc:5432/orders');
    expect(data['jdbc-uri']).toBe(
      'jdbc:postgresql://demo.prod.svc:5432/orders?user=a%40b&password=p%3Aw%2F%40%3F%26%3D%23%25%20x',
    );
    const url = new URL(data['uri'] ?? '');
    expect(decodeURIComponent(url.password)).toBe('p:w/@?&=#% x');
    expect(decodeURIComponent(url.username)).toBe('a@b');
  });

  it('the superuser Secret connects to the postgres database', () => {
    const su = decoded(
      buildSecrets(cluster, resolveCredentials(cluster, { operatorKey: KEY, observedSecrets: {} }))[0]!,
    );
    expect(su).toMatchObject({
      username: 'postgres',
      dbname: 'postgres',
      password: derivePassword(KEY, cluster.uid, 'superuser'),
    });
  });
});
