/**
 * A restored cluster never archives into its restore source (hooks/postgrescluster/backup/
 * restore-first.ts): its StatefulSet gets the archive only after Patroni has finished the bootstrap.
 *
 * The property runs the hook's StatefulSet through a model of what the restoring server does with
 * it, read in the upstream source:
 *
 * - Spilo 4.0-p3 configure_spilo.py `get_placeholders`: `archive_command` is `envdir <archive envdir>
 *   wal-g wal-push` when an unprefixed store prefix is set, otherwise `/bin/true`;
 * - `write_wale_environment`: the archive envdir holds the unprefixed WAL-G variables, the clone
 *   envdir the `CLONE_` ones without their prefix;
 * - the server replaying the restore was started by the clone script under the clone envdir
 *   (bootstrap/maybe_pg_upgrade.py `perform_pitr`) and Patroni 4.0.4 adopts it
 *   (postgresql/__init__.py `Postgresql.start`), so `wal-push` runs with the clone envdir's variables,
 *   overridden by the archive envdir's;
 * - WAL-G 3.0.5 takes the first store with a prefix, S3, file, GCS, Azure (internal/storage_adapter.go
 *   `StorageAdapters`), from `WALG_<store>_PREFIX` or `WALE_<store>_PREFIX`.
 */
import { describe, expect, it, jest } from '@jest/globals';
import fc from 'fast-check';
import type { KubeObject } from '../../../../hooks/lib/k8s.js';
import { applied } from '../../../support/apiserver.js';
import { userSecret } from '../../../support/backup-world.js';
import { parentFrom, relatedFor, sync } from '../../../support/cluster-world.js';
import { lazy } from '../../../support/lazy.js';
import { backup, path, restore } from '../backup-contract-arbitraries.js';
import { ENVDIR } from '../backup-contract-names.js';

jest.setTimeout(120_000);

interface Env {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}

function containerEnv(children: readonly KubeObject[]): Env[] {
  const sts = children.find((c) => c.kind === 'StatefulSet');
  interface Pod {
    template: { spec: { containers: { name: string; env?: Env[] }[] } };
  }
  const pod = (sts?.['spec'] as Pod | undefined)?.template.spec;
  return pod?.containers.find((c) => c.name === 'postgres')?.env ?? [];
}

/** An envdir as configure_spilo writes it: the listed names, `prefix` removed; Secret values by reference. */
function envdir(env: readonly Env[], prefix: '' | 'CLONE_'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of env) {
    const name = e.name.slice(prefix.length);
    if (!e.name.startsWith(prefix) || !ENVDIR.includes(name)) continue;
    const ref = e.valueFrom?.secretKeyRef;
    out[name] = e.value ?? `secret:${ref?.name ?? ''}/${ref?.key ?? ''}`;
  }
  return out;
}

const STORES = ['S3', 'FILE', 'GS', 'AZ'];
/** The store WAL-G pushes to with these variables: the first with a prefix. */
function walgPrefix(vars: Record<string, string>): string | undefined {
  for (const s of STORES) {
    const p = vars[`WALG_${s}_PREFIX`] ?? vars[`WALE_${s}_PREFIX`];
    if (p !== undefined && p !== '') return p;
  }
  return undefined;
}

/** Where the restoring server's `wal-push` writes, or undefined when its archive_command is /bin/true. */
function restoringServerArchivesTo(env: readonly Env[]): string | undefined {
  const archive = envdir(env, '');
  if (walgPrefix(archive) === undefined) return undefined;
  return walgPrefix({ ...envdir(env, 'CLONE_'), ...archive });
}

const valueOf = (env: readonly Env[], name: string) => env.find((e) => e.name === name)?.value;
const cloneSource = (env: readonly Env[]) =>
  ['CLONE_WALG_S3_PREFIX', 'CLONE_WALG_GS_PREFIX', 'CLONE_WALG_AZ_PREFIX']
    .map((n) => valueOf(env, n))
    .find(Boolean);

/** Every Secret the generators name, with one-line values for every key they use. */
const SECRETS = ['creds', 'other-creds', 'x.y', 'aws', 'pgp'].map((n) =>
  userSecret(n, {
    AWS_ACCESS_KEY_ID: 'id',
    AWS_SECRET_ACCESS_KEY: 'secret',
    id: 'id',
    secret: 'secret',
    'credentials.json': '{"type":"service_account"}',
    AZURE_STORAGE_ACCESS_KEY: 'a2V5',
    key: 'a2V5',
    pass: 'words',
  }),
);
const BASE = { version: '16', replicas: 2, storage: { size: '10Gi' } };
const members = [
  { ordinal: 0, role: 'master' as const },
  { ordinal: 1, role: 'replica' as const },
];

/** Patroni's `<scope>-config` Endpoints among `related`, with `initialize` set to `value`. */
function withInitialize(related: KubeObject[], value: string): KubeObject[] {
  return related.map((o) =>
    o.kind === 'Endpoints' && o.metadata.name.endsWith('-config')
      ? { ...o, metadata: { ...o.metadata, annotations: { ...o.metadata.annotations, initialize: value } } }
      : o,
  );
}
const withoutLeader = (related: KubeObject[]) =>
  related.map((o) =>
    o.kind === 'Endpoints' && !o.metadata.name.endsWith('-config')
      ? { ...o, metadata: { ...o.metadata, annotations: {} } }
      : o,
  );
const condition = (status: Record<string, unknown>, type: string) =>
  (status['conditions'] as { type: string; status: string; reason: string; message: string }[]).find(
    (c) => c.type === type,
  );

describe('a restored cluster with spec.backup', () => {
  it('never runs its restore with a WAL-G archive other than its own: none until the restore has finished', () => {
    const specs = fc.record({ backup, restore: restore(path) });
    fc.assert(
      fc.property(specs, (extra) => {
        const parent = parentFrom({ ...BASE, ...extra });
        const env = containerEnv(sync({ parent, children: [], related: SECRETS }).children);
        const source = cloneSource(env);
        if (source === undefined) return; // refused (an overlapping archive): nothing rendered
        const target = restoringServerArchivesTo(env);
        expect(target).not.toBe(source);
        // (stronger, the design: no archive at all until Patroni has finished the bootstrap)
        expect(target).toBeUndefined();
      }),
      { numRuns: 150 },
    );
  });

  const s3 = { bucket: 'pg-source', endpoint: 'http://minio:9000', credentialsSecret: { name: 'creds' } };
  const gcs = { bucket: 'pg-backups', credentialsSecret: { name: 'other-creds' } };
  const spec = {
    ...BASE,
    backup: { destination: { gcs } },
    restore: { source: { s3, path: 'shop/orders/u0' }, target: { latest: true } },
  };
  // The story's syncs run on first use inside a test (test/support/lazy.ts).
  const story = lazy(() => {
    const parent = parentFrom(spec, { name: 'orders-copy' });
    const first = sync({ parent, children: [], related: SECRETS });
    const children = first.children.map((c) => applied(c, parent));
    const running = relatedFor(parent, members, [], { podsFrom: children });
    const during = sync({
      parent,
      children,
      related: [...SECRETS, ...withoutLeader(withInitialize(running, ''))],
    });
    const after = sync({ parent, children, related: [...SECRETS, ...running] });
    return { parent, first, during, after };
  });

  it('from S3 with its archive on GCS: the restoring server does not push its timeline into the S3 source (spilo#1122)', () => {
    const env = containerEnv(story().first.children);
    const source = cloneSource(env);
    expect(source).toBe('s3://pg-source/shop/orders/u0/wal/16');
    expect(restoringServerArchivesTo(env)).not.toBe(source);
    expect(restoringServerArchivesTo(env)).toBeUndefined();
  });

  it('is created with its restore only, and BackupConfigured says it waits for the restore', () => {
    const env = containerEnv(story().first.children);
    expect(cloneSource(env)).toBe('s3://pg-source/shop/orders/u0/wal/16');
    expect(env.filter((e) => /^(WALG_|WALE_|GOOGLE_|USE_WALG_)/.test(e.name))).toEqual([]);
    expect(condition(story().first.status, 'BackupConfigured')).toMatchObject({
      status: 'False',
      reason: 'WaitingForRestore',
      message: expect.stringContaining(
        'once the restore from s3://pg-source/shop/orders/u0/wal/16 has finished',
      ),
    });
  });

  it('keeps it so while Patroni bootstraps (initialize taken but empty, no leader yet)', () => {
    expect(containerEnv(story().during.children)).toEqual(containerEnv(story().first.children));
    expect(condition(story().during.status, 'BackupConfigured')?.reason).toBe('WaitingForRestore');
    expect(condition(story().during.status, 'Restored')).toMatchObject({
      status: 'False',
      reason: 'Restoring',
    });
  });

  it('adds the archive once Patroni holds the system identifier; the members then roll out', () => {
    const env = containerEnv(story().after.children);
    expect(valueOf(env, 'WALG_GS_PREFIX')).toMatch(/^gs:\/\/pg-backups\//);
    expect(cloneSource(env)).toBe('s3://pg-source/shop/orders/u0/wal/16');
    expect(condition(story().after.status, 'BackupConfigured')).toMatchObject({
      status: 'False',
      reason: 'RollingOut',
    });
  });

  it('keeps the archive once rolled out, even while Patroni has no objects', () => {
    const rolled = story().after.children.map((c) => applied(c, story().parent));
    const res = sync({ parent: story().parent, children: rolled, related: SECRETS });
    expect(containerEnv(res.children)).toEqual(containerEnv(story().after.children));
  });
});
