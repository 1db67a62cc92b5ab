/**
 * The hook's pure parts: controller definition against its YAML, customize, credentials, Job plan,
 * and the sync/finalize properties (determinism, fixpoint, nothing protected ever dropped).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse } from 'yaml';
import type { KubeObject } from '../../../hooks/lib/k8s';
import { runHook } from '../../../hooks/metacontroller/dispatch';
import type { SyncResponse } from '../../../hooks/metacontroller/types';
import { CHILD_TYPES, postgresDatabaseController } from '../../../hooks/postgresdatabase/controller';
import { customizeDatabase } from '../../../hooks/postgresdatabase/customize';
import { jobPhase } from '../../../hooks/postgresdatabase/job';
import { planJob } from '../../../hooks/postgresdatabase/plan';
import { connectionUris, derivePassword, observedPassword } from '../../../hooks/postgresdatabase/secrets';
import { CTX, exampleSpec, parent, request, stored } from '../../golden/postgresdatabase/requests';

const ROOT = join(__dirname, '..', '..', '..');
const yaml = parse(readFileSync(join(ROOT, 'composite-controllers', 'postgresdatabase.yaml'), 'utf8')) as {
  metadata: { name: string };
  spec: {
    generateSelector: boolean;
    childResources: { apiVersion: string; resource: string; updateStrategy: { method: string } }[];
    hooks: Record<string, { version: string; webhook: { url: string } }>;
  };
};

const sync = (body: unknown): SyncResponse =>
  runHook({ def: postgresDatabaseController, hook: 'sync', body, ctx: CTX }) as SyncResponse;
const names = (r: SyncResponse): string[] => r.children.map((c) => `${c.kind}/${c.metadata.name}`).sort();

describe('composite-controllers/postgresdatabase.yaml', () => {
  it('declares exactly CHILD_TYPES, all OnDelete', () => {
    const declared = yaml.spec.childResources
      .map((c) => `${c.apiVersion} ${c.resource} ${c.updateStrategy.method}`)
      .sort();
    expect(declared).toEqual(
      CHILD_TYPES.map((t) => `${t.apiVersion} ${t.resource} ${t.updateStrategy}`).sort(),
    );
  });

  it('names the v2 hooks of the postgresdatabase routes, with a generated selector', () => {
    expect(yaml.metadata.name).toBe(postgresDatabaseController.name);
    expect(yaml.spec.generateSelector).toBe(true);
    expect(Object.keys(yaml.spec.hooks).sort()).toEqual(['customize', 'finalize', 'sync']);
    for (const [hook, h] of Object.entries(yaml.spec.hooks)) {
      expect(h).toEqual({
        version: 'v2',
        webhook: expect.objectContaining({
          url: `http://pgmeta-hooks.pgmeta-system/postgresdatabase/${hook}`,
        }),
      });
    }
  });
});

describe('customize', () => {
  const asParent = (spec: unknown, namespace?: string): KubeObject => ({
    apiVersion: 'pgmeta.io/v1alpha1',
    kind: 'PostgresDatabase',
    metadata: { name: 'db', ...(namespace === undefined ? {} : { namespace }) },
    spec,
  });

  it('observes the cluster and its superuser Secret by name, in the parent namespace', () => {
    expect(
      customizeDatabase({
        controller: {} as KubeObject,
        parent: asParent({ clusterRef: { name: 'dev' } }, 'apps'),
      }),
    ).toEqual({
      relatedResources: [
        { apiVersion: 'pgmeta.io/v1alpha1', resource: 'postgresclusters', namespace: 'apps', names: ['dev'] },
        { apiVersion: 'v1', resource: 'secrets', namespace: 'apps', names: ['dev-superuser'] },
      ],
    });
  });

  it.each([[{}], [{ clusterRef: { name: 'Bad Name' } }], [{ clusterRef: { name: 7 } }], [null]])(
    'observes nothing for %j',
    (spec) => {
      expect(customizeDatabase({ controller: {} as KubeObject, parent: asParent(spec, 'apps') })).toEqual({
        relatedResources: [],
      });
    },
  );
});

describe('credentials', () => {
  it('derives a stable, key-dependent password and prefers the observed one', () => {
    const a = derivePassword(CTX.operatorKey, 'uid-1', 'app');
    expect(derivePassword(CTX.operatorKey, 'uid-1', 'app')).toBe(a);
    expect(derivePassword(new Uint8Array(32).fill(8), 'uid-1', 'app')).not.toBe(a);
    expect(derivePassword(CTX.operatorKey, 'uid-2', 'app')).not.toBe(a);
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's' },
      data: { password: Buffer.from('kept').toString('base64') },
    };
    expect(observedPassword(secret)).toBe('kept');
    expect(observedPassword(undefined)).toBeUndefined();
  });

  /**
   * How libpq reads a URI: user and password before the last `@`, split at the first `:`, the
   * database after the first `/` of the rest, each percent-decoded. (WHATWG's URL parser is not the
   * consumer: it would normalize a database named `.` away.)
   */
  function libpqParse(uri: string): [string, string, string] {
    const rest = uri.slice('postgresql://'.length);
    const at = rest.lastIndexOf('@');
    const [user = '', ...pw] = rest.slice(0, at).split(':');
    const path = rest.slice(at + 1);
    return [user, pw.join(':'), path.slice(path.indexOf('/') + 1)].map(decodeURIComponent) as [
      string,
      string,
      string,
    ];
  }

  it('connection URIs carry any user, password and database exactly', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.string(),
        fc.string({ minLength: 1 }),
        (user, password, dbname) => {
          const { uri, jdbc } = connectionUris({ user, password, host: 'dev.apps.svc', port: 5432, dbname });
          expect(libpqParse(uri)).toEqual([user, password, dbname]);
          const j = new URL(jdbc.slice('jdbc:'.length));
          expect([j.searchParams.get('user'), j.searchParams.get('password')]).toEqual([user, password]);
        },
      ),
    );
  });
});

describe('the Job plan', () => {
  const job = (name: string, outcome: 'active' | 'succeeded' | 'failed'): KubeObject =>
    stored(
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name },
        spec: { template: { metadata: { labels: {} }, spec: { containers: [] } } },
      },
      { outcome },
    );
  const cm = (name: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name },
    data: {},
  });
  const desired = [job('new', 'active'), cm('new')];

  it.each([
    ['first run', [], desired, ['new', 'new'], 'pending'],
    ['old one still running', [job('old', 'active')], desired, ['old', 'old'], 'waiting-job'],
    ['old one finished', [job('old', 'succeeded')], desired, ['new', 'new'], 'pending'],
    [
      'cluster not ready: keep what is there',
      [job('old', 'succeeded')],
      undefined,
      ['old', 'old'],
      'waiting-cluster',
    ],
    [
      'cluster not ready, desired already applied',
      [job('new', 'succeeded')],
      undefined,
      ['new', 'new'],
      'succeeded',
    ],
    ['failed', [job('new', 'failed')], desired, ['new', 'new'], 'failed'],
  ] as const)('%s', (_label, jobs, want, kept, state) => {
    const plan = planJob({
      observed: { jobs, configMaps: [cm('old'), cm('new')], secrets: [] },
      desired: want,
      name: 'new',
    });
    expect(plan.state).toBe(state);
    expect(plan.jobs.map((j) => j.metadata.name)).toEqual(kept);
  });

  it.each([
    [{}, 'active'],
    [{ succeeded: 1 }, 'succeeded'],
    [{ conditions: [{ type: 'Complete', status: 'True' }] }, 'succeeded'],
    [
      { conditions: [{ type: 'Failed', status: 'True', reason: 'DeadlineExceeded', message: 'too slow' }] },
      'failed',
    ],
    [{ conditions: [{ type: 'Failed', status: 'False' }] }, 'active'],
  ])('jobPhase(%j) = %s', (status, phase) => {
    expect(jobPhase({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, status }).phase).toBe(
      phase,
    );
  });
});

describe('sync', () => {
  const base = exampleSpec();
  const first = (): SyncResponse =>
    sync(request({ parent: parent({ spec: base, generation: 1 }), children: [], clusterReady: true }));

  it('reaches a fixpoint: the desired children fed back as observed give the same children', () => {
    const r1 = first();
    const r2 = sync(
      request({
        parent: parent({ spec: base, generation: 1, status: r1.status }),
        children: r1.children.map((c) => stored(c)),
        clusterReady: true,
      }),
    );
    expect(r2.children).toEqual(r1.children);
    expect(r2.status).toEqual(r1.status);
  });

  it('a password edited in a Secret is kept and applied by a new Job', () => {
    const r1 = first();
    const edited = r1.children.map((c) =>
      c.kind === 'Secret' && c.metadata.name === 'shop-shop-app'
        ? stored({
            ...c,
            data: { ...(c['data'] as object), password: Buffer.from('rotated').toString('base64') },
          })
        : stored(c, { outcome: 'succeeded' }),
    );
    const r2 = sync(
      request({
        parent: parent({ spec: base, generation: 1, status: r1.status }),
        children: edited,
        clusterReady: true,
      }),
    );
    const secret = r2.children.find((c) => c.metadata.name === 'shop-shop-app');
    expect(observedPassword(secret)).toBe('rotated');
    const jobName = (r: SyncResponse): string | undefined =>
      r.children.find((c) => c.kind === 'Job')?.metadata.name;
    expect(jobName(r2)).not.toBe(jobName(r1));
  });

  it('never drops an observed Secret and never throws for any spec', () => {
    const observed = first().children.map((c) => stored(c));
    fc.assert(
      fc.property(fc.anything(), fc.boolean(), (spec, ready) => {
        const body = request({
          parent: parent({ spec: spec as Record<string, unknown>, generation: 2 }),
          children: observed,
          clusterReady: ready,
        });
        const r = sync(body);
        const secrets = names(r).filter((n) => n.startsWith('Secret/'));
        expect(secrets).toEqual(
          expect.arrayContaining(
            observed.filter((c) => c.kind === 'Secret').map((c) => `Secret/${c.metadata.name}`),
          ),
        );
      }),
      { numRuns: 200 },
    );
  });
});
