/**
 * spec.standby: what reaches Spilo and Patroni, the promotion patch, the refusals with field paths,
 * the credentials a standby starts from, and its status.
 */
import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../../../hooks/lib/k8s.js';
import { dcsPatch } from '../../../../hooks/postgrescluster/day2/params.js';
import { checkSpec } from '../../../../hooks/postgrescluster/spec/index.js';
import { spiloConfiguration } from '../../../../hooks/postgrescluster/spilo/configuration.js';
import { standbyEnv } from '../../../../hooks/postgrescluster/backup/env.js';
import { holdUnseededSecrets, standbySeeds } from '../../../../hooks/postgrescluster/standby/credentials.js';
import { standbyPatch } from '../../../../hooks/postgrescluster/standby/dcs.js';
import {
  lsnText,
  standbyCondition,
  standbyStatus,
} from '../../../../hooks/postgrescluster/standby/status.js';
import type { ObservedMember } from '../../../../hooks/postgrescluster/observe.js';
import { userSecret } from '../../../support/backup-world.js';
import { resolvedCluster } from '../../../support/cluster-world.js';

const CREDENTIALS = {
  superuserSecret: { name: 'src-superuser' },
  replicationSecret: { name: 'src-replication' },
  appSecret: { name: 'src-app' },
};
const S3 = { bucket: 'pg-backups', endpoint: 'http://minio:9000', credentialsSecret: { name: 'minio' } };
const BASE = { version: '16', storage: { size: '10Gi' } };
const STREAMING = { ...BASE, standby: { host: 'orders.dc1.example', credentials: CREDENTIALS } };
const ARCHIVE = {
  ...BASE,
  standby: {
    archive: { s3: S3, cluster: { name: 'orders', uid: '11111111-2222-3333-4444-555555555555' } },
    credentials: CREDENTIALS,
  },
};

const parent = (spec: unknown, uid = 'u') => ({
  apiVersion: 'pgmeta.io/v1alpha1',
  kind: 'PostgresCluster',
  metadata: { name: 'orders-dr', namespace: 'shop', uid },
  spec,
});

describe('what a standby gives Spilo and Patroni', () => {
  it('streams from host:port: STANDBY_HOST/PORT and the standby_cluster section Spilo would render', () => {
    const cluster = resolvedCluster(STREAMING);
    expect(standbyEnv(cluster.standby!)).toEqual([
      { name: 'STANDBY_HOST', value: 'orders.dc1.example' },
      { name: 'STANDBY_PORT', value: '5432' },
    ]);
    expect(spiloConfiguration(cluster).bootstrap.dcs.standby_cluster).toEqual({
      create_replica_methods: ['basebackup_fast_xlog'],
      host: 'orders.dc1.example',
      port: 5432,
    });
  });

  it('replays the source archive through the envdir env-standby-<scope>, a base backup first', () => {
    const cluster = resolvedCluster(ARCHIVE);
    const env = Object.fromEntries(standbyEnv(cluster.standby!).map((e) => [e.name, e.value ?? e.valueFrom]));
    expect(env).toMatchObject({
      STANDBY_SCOPE: 'orders',
      STANDBY_USE_WALG_RESTORE: 'true',
      STANDBY_WALG_S3_PREFIX: 's3://pg-backups/shop/orders/11111111-2222-3333-4444-555555555555/wal/16',
      STANDBY_AWS_ACCESS_KEY_ID: {
        secretKeyRef: { name: 'minio', key: 'AWS_ACCESS_KEY_ID', optional: true },
      },
    });
    expect(env['STANDBY_HOST']).toBeUndefined();
    expect(spiloConfiguration(cluster).bootstrap.dcs.standby_cluster).toEqual({
      create_replica_methods: ['bootstrap_standby_with_wale', 'basebackup_fast_xlog'],
      restore_command:
        'envdir "/run/etc/wal-e.d/env-standby-orders" timeout "0" /scripts/restore_command.sh "%f" "%p"',
    });
  });

  it('a cluster without standby renders no section and no STANDBY_ variable', () => {
    expect(spiloConfiguration(resolvedCluster(BASE)).bootstrap.dcs.standby_cluster).toBeUndefined();
  });
});

describe('promotion and changes through PATCH /config', () => {
  it('removing spec.standby sends standby_cluster: null (Patroni deletes null keys: the promotion)', () => {
    const patch = dcsPatch(resolvedCluster(BASE), {}, { host: 'orders.dc1.example', port: 5432 });
    expect(patch['standby_cluster']).toBeNull();
  });

  it('a primary that never was a standby sends no standby_cluster at all', () => {
    expect('standby_cluster' in dcsPatch(resolvedCluster(BASE), {}, undefined)).toBe(false);
  });

  it('a changed source deletes the keys it no longer has', () => {
    expect(
      standbyPatch(
        { create_replica_methods: ['basebackup_fast_xlog'], host: 'b', port: 5432 },
        {
          host: 'a',
          port: 5432,
          restore_command: 'x',
        },
      ),
    ).toEqual({
      restore_command: null,
      create_replica_methods: ['basebackup_fast_xlog'],
      host: 'b',
      port: 5432,
    });
  });
});

describe('refusals, with field paths', () => {
  const errors = (spec: unknown, previous?: unknown) => {
    const r = checkSpec(parent(spec), previous);
    return r.ok ? [] : r.errors;
  };

  it('refuses an own archive that overlaps the archive the standby follows', () => {
    // The own archive is <path>/<uid>: the standby would follow the archive it writes after promotion.
    const spec = {
      ...BASE,
      standby: { archive: { s3: S3, path: 'shop/orders-dr/u' }, credentials: CREDENTIALS },
      backup: { destination: { s3: S3 } },
    };
    expect(errors(spec)).toEqual([
      expect.objectContaining({
        path: 'spec.backup.path',
        message: expect.stringContaining('would overlap'),
      }),
    ]);
  });

  it('accepts an own archive elsewhere in the same bucket (the default path carries the UID)', () => {
    expect(errors({ ...ARCHIVE, backup: { destination: { s3: S3 } } })).toEqual([]);
  });

  it('refuses turning a running primary into a standby, but accepts removing standby (promotion)', () => {
    expect(errors(STREAMING, BASE).map((e) => e.path)).toEqual(['spec.standby']);
    expect(errors(BASE, STREAMING)).toEqual([]);
  });
});

describe("credentials: the source's passwords", () => {
  const cluster = resolvedCluster(STREAMING);
  const secrets = {
    'src-superuser': userSecret('src-superuser', { password: 'su-pw' }),
    'src-replication': userSecret('src-replication', { password: 'repl-pw' }),
  };
  const own = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name } });

  it('seeds from the Secrets the spec names', () => {
    expect(standbySeeds(cluster, secrets)).toEqual({ superuser: 'su-pw', replication: 'repl-pw' });
  });

  it('holds back a credential Secret that has neither a seed nor an observed copy', () => {
    const children = ['orders-superuser', 'orders-replication', 'orders-app', 'orders-patroni-api'].map(own);
    const kept = holdUnseededSecrets(children, {
      cluster,
      observedSecrets: {},
      seeds: standbySeeds(cluster, secrets),
    });
    expect(kept.map((c) => c.metadata.name)).toEqual([
      'orders-superuser',
      'orders-replication',
      'orders-patroni-api',
    ]);
  });
});

describe('status', () => {
  const leader = (replicationState?: string): ObservedMember => ({
    name: 'orders-0',
    role: 'primary',
    state: 'running',
    ready: true,
    walPosition: 0x1_0300_0060,
    pendingRestart: false,
    terminating: false,
    ...(replicationState ? { replicationState } : {}),
  });
  const lock: KubeObject = {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'orders', annotations: { leader: 'orders-0' } },
  };
  const config = (doc: unknown): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'orders-config', annotations: { config: JSON.stringify(doc) } },
  });

  it('names the source, the standby leader, how it replays and the WAL position', () => {
    const standby = resolvedCluster(STREAMING).standby!;
    const input = { standby, members: [leader('streaming')], leaderEndpoints: lock };
    expect(standbyStatus(input)).toEqual({
      source: { host: 'orders.dc1.example', port: 5432 },
      leader: 'orders-0',
      replicationState: 'streaming',
      walPosition: '1/3000060',
    });
    expect(standbyCondition(input)).toMatchObject({ status: 'True', reason: 'Streaming' });
  });

  it('says Promoting while Patroni still holds the section the spec dropped, and nothing after', () => {
    const members = [leader()];
    expect(
      standbyCondition({ members, configEndpoints: config({ standby_cluster: { host: 'x' } }) }),
    ).toMatchObject({
      status: 'False',
      reason: 'Promoting',
    });
    expect(standbyCondition({ members, configEndpoints: config({ ttl: 30 }) })).toBeUndefined();
  });

  it('writes LSNs as PostgreSQL does', () => {
    expect(lsnText(0)).toBe('0/0');
    expect(lsnText(0x2a_0000_00ff)).toBe('2A/FF');
  });
});
