/**
 * The contract with Spilo (../shared/reference/spilo.md §9.5, §9.6), checked on the environment the
 * hook renders for arbitrary backup and restore specs:
 *
 * - every WAL-G, WAL-E, CLONE, AWS, GOOGLE and AZURE variable is one Spilo passes on (its envdir
 *   whitelist, with `CLONE_` twins for the restore source) or reads itself; anything else would be
 *   silently ignored;
 * - credentials are Secret references, never values; WAL-G and WAL-E prefixes agree; a restore is
 *   `CLONE_METHOD=CLONE_WITH_WALE` with a zoned target time, and nothing of it without spec.restore;
 * - the archive path layout is `<bucket>/<path or namespace/name>/<uid>/wal/<major>`;
 * - a cluster's live archive and the archive it was restored from are never the same (or nested),
 *   and a cluster created again (a new UID) never shares its predecessor's archive.
 */
import { describe, expect, it, jest } from '@jest/globals';
import fc from 'fast-check';
import type { KubeObject } from '../../../hooks/lib/k8s.js';
import { archivesOverlap, resolveBackup } from '../../../hooks/postgrescluster/backup/resolve.js';
import { secretUses } from '../../../hooks/postgrescluster/backup/secrets.js';
import { TIME_PATTERN } from '../../../hooks/postgrescluster/backup/validate.js';
import { checkSpec, type SpecResult } from '../../../hooks/postgrescluster/spec/index.js';
import type { ResolvedCluster } from '../../../hooks/postgrescluster/spec/resolved.js';
import { spiloEnv, type EnvVar } from '../../../hooks/postgrescluster/spilo/env.js';
import { applied } from '../../support/apiserver.js';
import { userSecret } from '../../support/backup-world.js';
import { parentFrom, sync } from '../../support/cluster-world.js';

/**
 * Every property below runs 30 to 300 generated specs through the whole spec check (the fixpoint one
 * two syncs a run): up to about 0.4 s a test on an idle two-core machine, which leaves jest's 5 s
 * default only a factor of twelve for a loaded, shared CI machine. The work is CPU-bound and always
 * finishes; a timeout would only report the machine's load, so allow ample time.
 */
jest.setTimeout(60_000);

/** §9.5 "Envdir whitelist": the only variables configure_spilo copies into WAL-G's envdir. */
const S3_NAMES = [
  'WALE_S3_PREFIX',
  'WALG_S3_PREFIX',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'WALE_S3_ENDPOINT',
  'AWS_ENDPOINT',
  'AWS_REGION',
  'AWS_INSTANCE_PROFILE',
  'WALE_DISABLE_S3_SSE',
  'WALG_S3_SSE_KMS_ID',
  'WALG_S3_SSE',
  'WALG_DISABLE_S3_SSE',
  'AWS_S3_FORCE_PATH_STYLE',
  'AWS_ROLE_ARN',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_STS_REGIONAL_ENDPOINTS',
  'AWS_EC2_METADATA_SERVICE_ENDPOINT',
  'AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE',
];
const GCS_NAMES = [
  'WALE_GS_PREFIX',
  'WALG_GS_PREFIX',
  'GOOGLE_APPLICATION_CREDENTIALS',
  'WALE_GCS_PREFIX',
  'WAL_GCS_BUCKET',
];
const AZURE_NAMES = [
  'WALG_AZ_PREFIX',
  'AZURE_STORAGE_ACCOUNT',
  'WALG_AZURE_BUFFER_SIZE',
  'WALG_AZURE_MAX_BUFFERS',
  'AZURE_ENVIRONMENT_NAME',
  'AZURE_STORAGE_ACCESS_KEY',
  'AZURE_STORAGE_SAS_TOKEN',
  'AZURE_CLIENT_ID',
  'AZURE_CLIENT_SECRET',
  'AZURE_TENANT_ID',
];
const WALG_NAMES = [
  'WALG_DELTA_MAX_STEPS',
  'WALG_DELTA_ORIGIN',
  'WALG_DOWNLOAD_CONCURRENCY',
  'WALG_UPLOAD_CONCURRENCY',
  'WALG_UPLOAD_DISK_CONCURRENCY',
  'WALG_DISK_RATE_LIMIT',
  'WALG_NETWORK_RATE_LIMIT',
  'WALG_COMPRESSION_METHOD',
  'WALG_BACKUP_COMPRESSION_METHOD',
  'WALG_BACKUP_FROM_REPLICA',
  'WALG_SENTINEL_USER_DATA',
  'WALG_PREVENT_WAL_OVERWRITE',
  'WALG_S3_CA_CERT_FILE',
  'WALG_LIBSODIUM_KEY',
  'WALG_LIBSODIUM_KEY_PATH',
  'WALG_LIBSODIUM_KEY_TRANSFORM',
  'WALG_PGP_KEY',
  'WALG_PGP_KEY_PATH',
  'WALG_PGP_KEY_PASSPHRASE',
  'USE_WALG_BACKUP',
  'USE_WALG_RESTORE',
];
const ENVDIR = [...S3_NAMES, ...GCS_NAMES, ...AZURE_NAMES, ...WALG_NAMES];
/** Read by configure_spilo itself: the crontab schedule, retention (unprefixed only), the clone. */
const SPILO_OWN = [
  'BACKUP_SCHEDULE',
  'BACKUP_NUM_TO_RETAIN',
  'CLONE_METHOD',
  'CLONE_SCOPE',
  'CLONE_TARGET_TIME',
  'CLONE_TARGET_TIMELINE',
  'CLONE_TARGET_INCLUSIVE',
  'CLONE_USE_WALG',
];
/** §9.6: every storage and WAL-G variable may be given for the clone source with a CLONE_ prefix. */
const ALLOWED = new Set([...ENVDIR, ...ENVDIR.map((n) => `CLONE_${n}`), ...SPILO_OWN]);

const CONTRACT_PREFIXES = /^(WALG_|WALE_|WAL_|USE_WALG|CLONE_|AWS_|GOOGLE_|AZURE_|BACKUP_)/;
const CREDENTIALS =
  /(^|_)(AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AZURE_STORAGE_ACCESS_KEY|WALG_LIBSODIUM_KEY|WALG_PGP_KEY|WALG_PGP_KEY_PASSPHRASE)$/;

const name = fc.stringMatching(/^[a-z][a-z0-9]{0,10}(-[a-z0-9]{1,8})?$/);
/**
 * A name a PostgresCluster can have: the CRD refuses names ending in another cluster's Service or
 * Endpoints suffix (`-ro`, `-sync`...). Without this filter about one generated spec in 20,000 was
 * refused and `resolved()` threw: with some 1,800 specs a run, about one run in twelve failed.
 */
const clusterName = name.filter((n) => !/-(ro|members|config|sync|failover|leader|pooler)$/.test(n));
const bucket = fc.stringMatching(/^[a-z0-9][a-z0-9-]{1,20}[a-z0-9]$/);
const segment = fc.stringMatching(/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,8}$/);
const path = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join('/'));
const secret = fc.record({ name: fc.constantFrom('creds', 'other-creds', 'x.y') });

const s3 = fc.record(
  {
    bucket,
    endpoint: fc.constantFrom(
      'http://minio.minio.svc:9000',
      'https://s3.example.com',
      'http://10.0.0.5:9000',
    ),
    region: fc.constantFrom('us-east-1', 'eu-central-1'),
    forcePathStyle: fc.boolean(),
    credentialsSecret: fc.record(
      {
        name: fc.constantFrom('creds', 'aws'),
        accessKeyIdKey: fc.constant('id'),
        secretAccessKeyKey: fc.constant('secret'),
      },
      { requiredKeys: ['name'] },
    ),
  },
  { requiredKeys: ['bucket', 'region', 'credentialsSecret'] },
);
const gcs = fc.record({ bucket, credentialsSecret: secret });
const azure = fc.record({
  container: bucket,
  storageAccount: fc.stringMatching(/^[a-z0-9]{3,12}$/),
  credentialsSecret: secret,
});
const store = fc.oneof(
  s3.map((v) => ({ s3: v })),
  gcs.map((v) => ({ gcs: v })),
  azure.map((v) => ({ azure: v })),
);
const encryption = fc.oneof(
  fc.record({ method: fc.constant('libsodium'), keySecret: secret }),
  fc.record({
    method: fc.constant('pgp'),
    keySecret: fc.record(
      { name: fc.constant('pgp'), passphraseKey: fc.constant('pass') },
      { requiredKeys: ['name'] },
    ),
  }),
);
const backup = fc.record(
  {
    destination: store,
    path,
    schedule: fc.constantFrom('0 1 * * *', '*/30 * * * *', '@daily'),
    retention: fc.record({ count: fc.integer({ min: 2, max: 30 }) }),
    compression: fc.constantFrom('lz4', 'lzma', 'zstd', 'brotli'),
    backupFromReplica: fc.boolean(),
    encryption,
    uploadConcurrency: fc.integer({ min: 1, max: 64 }),
    downloadConcurrency: fc.integer({ min: 1, max: 64 }),
  },
  { requiredKeys: ['destination'] },
);
const uid = fc.uuid({ version: 4 });
const time = fc
  .tuple(
    fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2080, 0, 1) }),
    fc.constantFrom('Z', '+01:00', '-05:30'),
  )
  .map(([ms, zone]) => new Date(ms).toISOString().slice(0, 19) + zone);
const restore = (sourcePath: fc.Arbitrary<string>) =>
  fc.record(
    {
      source: fc
        .tuple(
          store,
          fc.oneof(
            sourcePath.map((p) => ({ path: p })),
            fc.record({ cluster: fc.record({ name: clusterName, uid }) }),
          ),
        )
        .map(([s, where]) => ({
          ...s,
          ...where,
        })),
      target: fc.oneof(
        time.map((t) => ({ time: t })),
        fc.constant({ latest: true }),
      ),
      encryption,
    },
    { requiredKeys: ['source', 'target'] },
  );

interface Case {
  name: string;
  namespace: string;
  uid: string;
  spec: Record<string, unknown>;
}

const cluster = (extra: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<Case> =>
  fc.record({
    name: clusterName,
    namespace: name,
    uid,
    spec: extra.map((e) => ({ version: '16', replicas: 3, storage: { size: '10Gi' }, ...e })),
  });

function check(c: Case): SpecResult {
  return checkSpec({
    apiVersion: 'pgmeta.io/v1alpha1',
    kind: 'PostgresCluster',
    metadata: { name: c.name, namespace: c.namespace, uid: c.uid },
    spec: c.spec,
  });
}

function resolved(c: Case): ResolvedCluster {
  const r = check(c);
  if (!r.ok) throw new Error(`invalid generated spec: ${JSON.stringify(r.errors)}`);
  return r.resolved;
}

const contractVars = (env: EnvVar[]) => env.filter((e) => CONTRACT_PREFIXES.test(e.name));
const valueOf = (env: EnvVar[], n: string) => env.find((e) => e.name === n)?.value;

const withBoth = cluster(fc.record({ backup, restore: restore(path) }, { requiredKeys: [] }));

describe('the rendered environment keeps to the Spilo contract', () => {
  it('uses only variables Spilo passes to WAL-G or reads itself', () => {
    fc.assert(
      fc.property(withBoth, (c) => {
        const names = contractVars(spiloEnv(resolved(c))).map((e) => e.name);
        expect(names.filter((n) => !ALLOWED.has(n))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('passes every credential as a Secret reference, never as a value', () => {
    fc.assert(
      fc.property(withBoth, (c) => {
        for (const e of spiloEnv(resolved(c)).filter((v) => CREDENTIALS.test(v.name))) {
          expect(e.value).toBeUndefined();
          expect(e.valueFrom?.secretKeyRef?.name).toEqual(expect.any(String));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('sets the WAL-G and WAL-E prefixes of S3 and GCS to the same value, for the archive and the clone source', () => {
    fc.assert(
      fc.property(withBoth, (c) => {
        const env = spiloEnv(resolved(c));
        for (const p of ['', 'CLONE_'])
          for (const s of ['S3', 'GS'])
            expect(valueOf(env, `${p}WALE_${s}_PREFIX`)).toBe(valueOf(env, `${p}WALG_${s}_PREFIX`));
      }),
      { numRuns: 200 },
    );
  });

  it('clones with WAL-G only with spec.restore, to a zoned time PostgreSQL accepts, or the latest backup', () => {
    fc.assert(
      fc.property(withBoth, (c) => {
        const env = spiloEnv(resolved(c));
        const clone = env.filter((e) => e.name.startsWith('CLONE_'));
        const target = (c.spec['restore'] as { target?: { time?: string } } | undefined)?.target;
        if (!c.spec['restore']) {
          expect(clone).toEqual([]);
          return;
        }
        expect(valueOf(env, 'CLONE_METHOD')).toBe('CLONE_WITH_WALE');
        expect(valueOf(env, 'CLONE_USE_WALG_RESTORE')).toBe('true');
        const t = valueOf(env, 'CLONE_TARGET_TIME');
        if (target?.time === undefined) expect(t).toBeUndefined();
        else {
          expect(t).toMatch(new RegExp(TIME_PATTERN));
          expect(t?.endsWith('Z')).toBe(false);
          expect(Date.parse(t ?? '')).toBe(Date.parse(target.time));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('adds nothing of the contract to a cluster without spec.backup and spec.restore', () => {
    fc.assert(
      fc.property(cluster(fc.constant({})), (c) => {
        expect(contractVars(spiloEnv(resolved(c)))).toEqual([]);
      }),
      { numRuns: 30 },
    );
  });
});

describe('archive paths', () => {
  it('are <store>://<bucket>/<path or namespace/name>/<uid>/wal/<major>', () => {
    fc.assert(
      fc.property(cluster(fc.record({ backup })), (c) => {
        const b = resolved(c).backup;
        const spec = c.spec['backup'] as {
          path?: string;
          destination: Record<string, { bucket?: string; container?: string }>;
        };
        const [kind, dest] = Object.entries(spec.destination)[0] ?? [];
        const scheme = { s3: 's3', gcs: 'gs', azure: 'azure' }[kind ?? ''];
        const folder = spec.path ?? `${c.namespace}/${c.name}`;
        expect(b?.path).toBe(`${folder}/${c.uid}`);
        expect(b?.prefix).toBe(`${scheme}://${dest?.bucket ?? dest?.container}/${folder}/${c.uid}/wal/16`);
      }),
      { numRuns: 200 },
    );
  });

  it('of a cluster created again under the same name (a new UID) never meet the old one', () => {
    fc.assert(
      fc.property(cluster(fc.record({ backup })), uid, (c, other) => {
        fc.pre(other !== c.uid);
        const before = resolved(c).backup;
        const after = resolved({ ...c, uid: other }).backup;
        expect(before && after && archivesOverlap(before, after)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('of a restored cluster never equal or nest in the source it restores from, however the source path is chosen', () => {
    // Half the sources aim straight at the cluster's own archive path: those specs must be refused.
    const aimed = fc
      .tuple(cluster(fc.record({ backup, restore: restore(path) })), fc.boolean())
      .map(([c, aim]) => {
        if (!aim) return c;
        const b = c.spec['backup'] as { path?: string; destination: object };
        const r = c.spec['restore'] as { source: Record<string, unknown> };
        const ownPath = `${b.path ?? `${c.namespace}/${c.name}`}/${c.uid}`;
        const { cluster: _c, path: _p, s3: _s, gcs: _g, azure: _a, ...rest } = r.source;
        return {
          ...c,
          spec: { ...c.spec, restore: { ...r, source: { ...rest, ...b.destination, path: ownPath } } },
        };
      });
    let refused = 0;
    fc.assert(
      fc.property(aimed, (c) => {
        const r = check(c);
        if (!r.ok) {
          refused++;
          expect(r.errors.map((e) => e.path)).toEqual(['spec.backup.path']);
          return;
        }
        const { backup: live, restore: source } = r.resolved;
        if (!live || !source) throw new Error('generated spec lost backup or restore');
        expect(live.prefix).not.toBe(source.prefix);
        expect(archivesOverlap(live, source)).toBe(false);
      }),
      { numRuns: 300, seed: 11 },
    );
    expect(refused).toBeGreaterThan(50);
  });

  it('of a restore by cluster name and UID are exactly what that cluster archived (default path)', () => {
    fc.assert(
      fc.property(
        cluster(fc.record({ backup: backup.map((b) => ({ ...b, path: undefined })) })),
        clusterName,
        uid,
        (source, copy, copyUid) => {
          fc.pre(copy !== source.name);
          const dest = (source.spec['backup'] as { destination: object }).destination;
          const written = resolveBackup(
            { name: source.name, namespace: source.namespace, uid: source.uid },
            { destination: dest },
            '16',
          );
          const restored = resolved({
            name: copy,
            namespace: source.namespace,
            uid: copyUid,
            spec: {
              version: '16',
              storage: { size: '1Gi' },
              restore: {
                source: { ...dest, cluster: { name: source.name, uid: source.uid } },
                target: { latest: true },
              },
            },
          }).restore;
          expect(restored?.prefix).toBe(written.prefix);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('the hook converges with backups and restores, Secrets present or not', () => {
  /** The Secrets a spec names, each present with every key, or left out. */
  function secretsFor(spec: Record<string, unknown>, keep: (name: string) => boolean): KubeObject[] {
    const r = check({ name: 'orders', namespace: 'shop', uid: 'u', spec });
    if (!r.ok) throw new Error('invalid generated spec');
    const uses = secretUses(r.resolved);
    const names = [...new Set(uses.map((u) => u.ref.name))].filter(keep);
    return names.map((n) =>
      userSecret(
        n,
        Object.fromEntries(uses.filter((u) => u.ref.name === n).map((u) => [u.ref.key, 'value'])),
      ),
    );
  }

  it('feeding the desired children back as observed changes nothing (fixpoint)', () => {
    fc.assert(
      fc.property(withBoth, fc.func(fc.boolean()), (c, keep) => {
        const parent = parentFrom(c.spec);
        const related = secretsFor(c.spec, keep);
        const first = sync({ parent, children: [], related }).children;
        const again = sync({ parent, children: first.map((o) => applied(o, parent)), related }).children;
        expect(again).toEqual(first);
      }),
      { numRuns: 60 },
    );
  });
});
