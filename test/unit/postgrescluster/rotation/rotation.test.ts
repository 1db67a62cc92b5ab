/**
 * Credential rotation in the sync hook (hooks/postgrescluster/rotation/): the derivation per
 * generation, the rotation Job and what it carries, the Secrets and pod templates once a Job wrote a
 * Secret, status.credentialRotation, and the generation that can only grow.
 */
import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../../../hooks/lib/k8s';
import { derivePassword, rotatedPassword } from '../../../../hooks/postgrescluster/children/secrets';
import {
  GENERATION_ANNOTATION,
  MEMBER_GENERATIONS_ANNOTATION,
} from '../../../../hooks/postgrescluster/rotation/generations';
import {
  PLAN_KEY,
  parseGenerations,
  formatGenerations,
} from '../../../../hooks/postgrescluster/rotation/job';
import { scramSalt, scramVerifier } from '../../../../hooks/postgrescluster/scram';
import { CTX, type World } from '../../../support/cluster-world';
import {
  conditionOf,
  HA,
  observedJob,
  ofKind,
  sync,
  world,
  type WorldOptions,
} from '../../../support/day2-world';
import { decodedData } from '../../../support/fake-secrets-api';

const KEY = CTX.operatorKey;
const secret = (children: readonly KubeObject[], name: string) =>
  children.find((c) => c.kind === 'Secret' && c.metadata.name === name);
const rotateJobs = (children: readonly KubeObject[]) =>
  ofKind(children, 'Job').filter((j) => j.metadata.name.startsWith('orders-rotate-'));
const template = (children: readonly KubeObject[], kind: string) =>
  (ofKind(children, kind)[0]!['spec'] as { template: { metadata: { annotations?: Record<string, string> } } })
    .template.metadata;

interface PlanItem {
  purpose: string;
  role: string;
  secret: string;
  generation: number;
  verifier: string;
  data: Record<string, string>;
}

function planOf(children: readonly KubeObject[]): PlanItem[] {
  const job = rotateJobs(children)[0]!;
  const own = secret(children, job.metadata.name)!;
  return JSON.parse(decodedData(own)[PLAN_KEY]!) as PlanItem[];
}

/** The world with the Secrets of `plan` as the rotation Job's merge patch leaves them. */
function patched(w: World, plan: readonly PlanItem[]): World {
  const children = w.children.map((c) => {
    const item = plan.find((p) => p.secret === c.metadata.name);
    if (!item) return c;
    const annotations = { ...c.metadata.annotations, [GENERATION_ANNOTATION]: String(item.generation) };
    return { ...c, metadata: { ...c.metadata, annotations }, data: item.data };
  });
  return { ...w, children };
}

describe('rotatedPassword', () => {
  it('generation 0 is the password clusters always had; each generation has its own, deterministically', () => {
    expect(rotatedPassword(KEY, 'u', { purpose: 'app', generation: 0 })).toBe(
      derivePassword(KEY, 'u', 'app'),
    );
    const seen = new Set(
      [0, 1, 2, 3].map((generation) => rotatedPassword(KEY, 'u', { purpose: 'app', generation })),
    );
    expect(seen.size).toBe(4);
    expect(rotatedPassword(KEY, 'u', { purpose: 'app', generation: 2 })).toBe(
      rotatedPassword(KEY, 'u', { purpose: 'app', generation: 2 }),
    );
    expect(rotatedPassword(KEY, 'u', { purpose: 'superuser', generation: 1 })).not.toBe(
      rotatedPassword(KEY, 'u', { purpose: 'app', generation: 1 }),
    );
  });

  it('generations round-trip through the Job annotation, unknown parts dropped', () => {
    expect(formatGenerations({ superuser: 2, app: 1 })).toBe('app=1,superuser=2');
    expect(parseGenerations('app=1,superuser=2,root=3,pooler=x,monitoring=0')).toEqual({
      app: 1,
      superuser: 2,
    });
  });
});

describe('a rotation request', () => {
  const spec = { credentialRotation: { app: 1, replication: 2 } };
  const o: WorldOptions = { spec, before: {} };
  const res = sync(world(o));
  const uid = world(o).parent.metadata.uid!;

  it('renders one Job, its immutable plan Secret and an account that may only patch those Secrets', () => {
    expect(rotateJobs(res.children)).toHaveLength(1);
    const job = rotateJobs(res.children)[0]!;
    expect(job.metadata.annotations?.['pgmeta.io/rotation']).toBe('app=1,replication=2');
    expect(secret(res.children, job.metadata.name)).toMatchObject({ immutable: true });
    const role = ofKind(res.children, 'Role').find((r) => r.metadata.name === 'orders-rotate')!;
    expect(role['rules']).toEqual([
      {
        apiGroups: [''],
        resources: ['secrets'],
        resourceNames: ['orders-app', 'orders-replication'],
        verbs: ['patch'],
      },
    ]);
    const env = JSON.stringify(job['spec']);
    expect(env).toContain('"secretKeyRef":{"key":"plan.json","name":"' + job.metadata.name + '"}');
  });

  it('plans each credential: role, verifier of the new password, every key of its Secret', () => {
    const plan = planOf(res.children);
    expect(plan.map((p) => [p.purpose, p.role, p.secret, p.generation])).toEqual([
      ['app', 'app', 'orders-app', 1],
      ['replication', 'standby', 'orders-replication', 2],
    ]);
    const pw = rotatedPassword(KEY, uid, { purpose: 'app', generation: 1 });
    expect(plan[0]!.verifier).toBe(scramVerifier(pw, scramSalt(KEY, `${uid}/app`)));
    const data = decodedData({ data: plan[0]!.data } as never);
    expect(Object.keys(data).sort()).toEqual([
      'dbname',
      'host',
      'jdbc-uri',
      'password',
      'port',
      'uri',
      'username',
    ]);
    expect(data['password']).toBe(pw);
    expect(data['uri']).toContain(encodeURIComponent(pw));
    expect(data['jdbc-uri']).toContain(`password=${encodeURIComponent(pw)}`);
  });

  it('leaves the credential Secrets and the pod template as they are until the Job wrote a Secret', () => {
    const before = sync(world({})).children;
    for (const name of ['orders-app', 'orders-replication'])
      expect(secret(res.children, name)).toEqual(secret(before, name));
    expect(template(res.children, 'StatefulSet')).toEqual(template(before, 'StatefulSet'));
    expect(res.status['credentialRotation']).toMatchObject({
      app: { requested: 1, applied: 0, phase: 'Rotating' },
      replication: { requested: 2, applied: 0, phase: 'Rotating' },
    });
  });

  it('once the Secrets hold the new generations: no Job, the members restart, then Succeeded', () => {
    const plan = planOf(res.children);
    const done = sync(patched(world(o), plan));
    expect(rotateJobs(done.children)).toEqual([]);
    expect(template(done.children, 'StatefulSet').annotations?.[MEMBER_GENERATIONS_ANNOTATION]).toBe(
      'replication=2',
    );
    expect(secret(done.children, 'orders-app')!.metadata.annotations?.[GENERATION_ANNOTATION]).toBe('1');
    expect(done.status['credentialRotation']).toMatchObject({
      app: { requested: 1, applied: 1, phase: 'Succeeded' },
      replication: { requested: 2, applied: 2, phase: 'Succeeded' },
    });
    // Members still on the previous template: Restarting, and the rollout Job replaces them.
    const stale = sync(patched(world({ ...o, sts: { revision: 'orders-5f6e7d8c9b' } }), plan));
    expect(stale.status['credentialRotation']).toMatchObject({
      replication: { phase: 'Restarting' },
      app: { phase: 'Succeeded' },
    });
  });

  it('keeps a running Job for its generations when the spec asks for more; a failed one says so', () => {
    const w = world(o);
    const made = rotateJobs(res.children)[0]!;
    const running = observedJob(made, w.parent, 'active');
    const more = sync(
      world({
        spec: { credentialRotation: { app: 3, replication: 2 } },
        before: {},
        extraChildren: [running],
      }),
    );
    expect(rotateJobs(more.children).map((j) => j.metadata.name)).toEqual([made.metadata.name]);
    expect(more.status['credentialRotation']).toMatchObject({ app: { phase: 'Pending' } });
    const failed = sync(world({ ...o, extraChildren: [observedJob(made, w.parent, 'failed')] }));
    expect(rotateJobs(failed.children).map((j) => j.metadata.name)).toEqual([made.metadata.name]);
    expect(ofKind(failed.children, 'Role').some((r) => r.metadata.name === 'orders-rotate')).toBe(false);
    expect(failed.status['credentialRotation']).toMatchObject({
      app: { phase: 'Failed', message: expect.stringContaining('delete the Job to retry') },
    });
  });

  it('a new cluster asking for generation 1 gets that password and annotation at once, and no Job', () => {
    const fresh = sync({ parent: world(o).parent, children: [], related: [] });
    expect(rotateJobs(fresh.children)).toEqual([]);
    const app = secret(fresh.children, 'orders-app')!;
    expect(decodedData(app)['password']).toBe(rotatedPassword(KEY, uid, { purpose: 'app', generation: 1 }));
    expect(app.metadata.annotations?.[GENERATION_ANNOTATION]).toBe('1');
    expect(template(fresh.children, 'StatefulSet').annotations?.[MEMBER_GENERATIONS_ANNOTATION]).toBe(
      'replication=2',
    );
  });

  it('the pooler generation reaches the pooler Deployments, not the members', () => {
    const pooled = { ...HA, pgbouncer: { enabled: true } };
    const base = world({ spec: pooled, before: pooled });
    const children = base.children.map((c) =>
      c.metadata.name === 'orders-pooler' && c.kind === 'Secret'
        ? { ...c, metadata: { ...c.metadata, annotations: { [GENERATION_ANNOTATION]: '4' } } }
        : c,
    );
    const out = sync({
      ...world({ spec: { ...pooled, credentialRotation: { pooler: 4 } }, before: pooled }),
      children,
    });
    const deployments = ofKind(out.children, 'Deployment');
    expect(deployments.length).toBeGreaterThan(0);
    for (const d of deployments)
      expect(template([d], 'Deployment').annotations?.[GENERATION_ANNOTATION]).toBe('4');
    expect(
      template(out.children, 'StatefulSet').annotations?.[MEMBER_GENERATIONS_ANNOTATION],
    ).toBeUndefined();
    expect(rotateJobs(out.children)).toEqual([]);
  });
});

describe('spec.credentialRotation can only grow', () => {
  it('a lower generation is refused with its field path and changes nothing', () => {
    const raised = { credentialRotation: { superuser: 2 } };
    const lowered = sync(world({ spec: { credentialRotation: { superuser: 1 } }, before: raised }));
    expect(conditionOf(lowered.status, 'SpecValid')).toMatchObject({
      status: 'False',
      message: expect.stringContaining('spec.credentialRotation.superuser'),
    });
    expect(lowered.children.map((c) => c.metadata.name)).toEqual(
      sync(world({ spec: raised, before: raised })).children.map((c) => c.metadata.name),
    );
  });
});
