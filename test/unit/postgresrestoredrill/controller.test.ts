/**
 * The postgresrestoredrill controller: its validation agrees with the CRD, its children are valid
 * Kubernetes objects and a valid PostgresCluster, it keeps the guarantees (no archive, names of its
 * own, the temporary cluster dropped once the Job has finished), a finished drill never starts
 * again, and the customize hook asks for the source, its `-config` Endpoints and the Job's pods.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import Ajv from 'ajv';
import { parse, parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../../hooks/lib/k8s';
import { checkSpec } from '../../../hooks/postgrescluster/spec/index';
import { customizeDrill } from '../../../hooks/postgresrestoredrill/customize';
import { drillClusterName, drillJobName } from '../../../hooks/postgresrestoredrill/names';
import { checkDrillObject } from '../../../hooks/postgresrestoredrill/spec';
import { invalidEntries, validateObjects } from '../../conformance/run-validate';
import { clusterWithStatus } from '../../support/backup-world';
import {
  checkLine,
  checkPod,
  configEndpoints,
  drillJobAt,
  postgresRestoreDrill,
  syncDrillWorld,
  type DrillWorld,
} from '../../support/drill-world';
import { minioCluster } from '../../golden/backup/cases';

const crd = parse(
  readFileSync(join(__dirname, '..', '..', '..', 'crds', 'postgresrestoredrills.yaml'), 'utf8'),
) as { spec: { versions: { schema: { openAPIV3Schema: Record<string, any> } }[] } }; // eslint-disable-line @typescript-eslint/no-explicit-any
const root = crd.spec.versions[0]!.schema.openAPIV3Schema;

const REF = { clusterRef: { name: 'orders' } };

describe('PostgresRestoreDrill validation agrees with the CRD', () => {
  const specSchema = new Ajv({ strict: false }).compile(root['properties'].spec);
  const specRules = (
    root['properties'].spec.properties.checks['x-kubernetes-validations'] as { rule: string }[]
  ).map((r) => r.rule);

  it('has the CEL rule the hook repeats', () => {
    expect(specRules).toEqual(['!has(self.expect) || has(self.query)']);
  });

  it.each([
    ['a minimal drill', REF, true],
    [
      'every field',
      {
        ...REF,
        timeoutSeconds: 600,
        resources: { requests: { cpu: '1' } },
        checks: { amcheckSample: 0, database: 'app', query: 'SELECT 1', expect: '1' },
      },
      true,
    ],
    ['no clusterRef', {}, false],
    ['a timeout under a minute', { ...REF, timeoutSeconds: 59 }, false],
    ['a timeout over a week', { ...REF, timeoutSeconds: 604_801 }, false],
    ['a negative amcheck sample', { ...REF, checks: { amcheckSample: -1 } }, false],
    ['a database name with a space', { ...REF, checks: { database: 'my db' } }, false],
    ['a query too long', { ...REF, checks: { query: 'x'.repeat(4097) } }, false],
  ])('%s', (_name, spec, valid) => {
    expect(specSchema(spec)).toBe(valid);
    const hook = checkDrillObject({
      apiVersion: 'pgmeta.io/v1alpha1',
      kind: 'PostgresRestoreDrill',
      metadata: { name: 'd' },
      spec,
    });
    expect(hook.ok).toBe(valid);
  });

  it('refuses expect without query, as the CEL rule does, naming the field', () => {
    const hook = checkDrillObject({
      apiVersion: 'v',
      kind: 'k',
      metadata: { name: 'd' },
      spec: { ...REF, checks: { expect: 't' } },
    });
    expect(hook).toEqual({
      ok: false,
      errors: [{ path: 'spec.checks.expect', message: 'needs spec.checks.query' }],
    });
  });

  it('refuses a name that is no DNS-1123 label of at most 63 characters', () => {
    for (const name of ['a'.repeat(64), 'Weekly', 'a.b']) {
      expect(checkDrillObject({ apiVersion: 'v', kind: 'k', metadata: { name }, spec: REF }).ok).toBe(false);
    }
  });
});

const source = (): KubeObject => clusterWithStatus(minioCluster());
const parent = (status?: Record<string, unknown>) => postgresRestoreDrill('weekly', REF, status);
const start = (): DrillWorld => ({
  parent: parent(),
  source: source(),
  config: configEndpoints('orders'),
  pods: [],
});

describe('a started drill', () => {
  const { children } = syncDrillWorld(start());
  const cluster = children.find((c) => c.kind === 'PostgresCluster')!;
  const job = children.find((c) => c.kind === 'Job')!;
  const uid = parent().metadata.uid ?? '';

  it('creates the temporary cluster and the check Job together, under names of their own', () => {
    expect(children.map((c) => `${c.kind}/${c.metadata.name}`).sort()).toEqual(
      [`Job/${drillJobName(uid)}`, `PostgresCluster/${drillClusterName(uid)}`].sort(),
    );
    expect(cluster.metadata.name).not.toBe('orders');
  });

  it('gives the temporary cluster no archive, and volumes deleted with it', () => {
    const spec = cluster['spec'] as Record<string, unknown>;
    expect(spec['backup']).toBeUndefined();
    expect(spec['storage']).toMatchObject({ retentionPolicy: { whenDeleted: 'Delete' } });
    const res = checkSpec({ ...cluster, metadata: { ...cluster.metadata, uid: 'u' } });
    expect(res.ok ? [] : res.errors).toEqual([]);
  });

  it("connects the check Job to the temporary cluster's primary with its own superuser Secret", () => {
    const env = JSON.stringify(job['spec']);
    expect(env).toContain(`${drillClusterName(uid)}.shop.svc`);
    expect(env).toContain(`${drillClusterName(uid)}-superuser`);
    expect(env).not.toContain('orders-superuser');
    expect(job['spec']).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 3600 });
  });

  it('renders a Job that validates against the Kubernetes schema', () => {
    const run = validateObjects([job]);
    expect(invalidEntries(run.report)).toEqual([]);
    expect(run.report).toHaveLength(1);
  });
});

describe('after the check Job', () => {
  const first = syncDrillWorld(start()).children;
  const job = first.find((c) => c.kind === 'Job')!;
  const cluster = first.find((c) => c.kind === 'PostgresCluster')!;

  it('keeps the temporary cluster while the Job runs, leaves it out once it has finished', () => {
    const running = syncDrillWorld({ ...start(), job: drillJobAt(job, parent(), 'running'), cluster });
    expect(running.children.map((c) => c.kind).sort()).toEqual(['Job', 'PostgresCluster']);
    const done = syncDrillWorld({
      ...start(),
      job: drillJobAt(job, parent(), 'succeeded'),
      cluster,
      pods: [checkPod(drillJobAt(job, parent(), 'succeeded'), { exitCode: 0, message: checkLine() })],
    });
    expect(done.children.map((c) => c.kind)).toEqual(['Job']);
    expect(done.status).toMatchObject({
      phase: 'Succeeded',
      recoveryTimeSeconds: 750,
      dataLossWindowSeconds: 100,
    });
  });

  it('fails the drill when the restored system identifier is not the source one', () => {
    const failed = drillJobAt(job, parent(), 'failed');
    const res = syncDrillWorld({
      ...start(),
      job: failed,
      pods: [checkPod(failed, { exitCode: 0, message: checkLine({ sysid: '1' }) })],
    });
    expect(res.status).toMatchObject({ phase: 'Failed', reason: 'CheckFailed', cleanedUp: true });
  });

  it('never starts again once finished, even with its Job deleted', () => {
    const final = {
      phase: 'Succeeded',
      reason: 'Passed',
      message: 'm',
      recoveryTimeSeconds: 750,
      dataLossWindowSeconds: 100,
    };
    const res = syncDrillWorld({ ...start(), parent: parent(final) });
    expect(res.children).toEqual([]);
    expect(res.status).toMatchObject({ ...final, cleanedUp: true });
  });

  it('plans the temporary cluster again when it is deleted while the Job runs', () => {
    const res = syncDrillWorld({ ...start(), job: drillJobAt(job, parent(), 'running') });
    expect(res.children.map((c) => c.kind).sort()).toEqual(['Job', 'PostgresCluster']);
  });

  it('waits, starting nothing, while the source does not exist', () => {
    const res = syncDrillWorld({ parent: parent(), pods: [] });
    expect(res.children).toEqual([]);
    expect(res.status).toMatchObject({ phase: 'Pending', reason: 'ClusterNotFound' });
  });
});

describe('the customize hook', () => {
  it('asks for the source, its -config Endpoints and the check pods, read-only', () => {
    const rules = customizeDrill({
      controller: { apiVersion: 'v1', kind: 'x', metadata: { name: 'c' } },
      parent: parent(),
    });
    expect(rules.relatedResources).toEqual([
      {
        apiVersion: 'pgmeta.io/v1alpha1',
        resource: 'postgresclusters',
        namespace: 'shop',
        names: ['orders'],
      },
      { apiVersion: 'v1', resource: 'endpoints', namespace: 'shop', names: ['orders-config'] },
      {
        apiVersion: 'v1',
        resource: 'pods',
        namespace: 'shop',
        labelSelector: { matchLabels: { 'pgmeta.io/postgresrestoredrill': 'weekly' } },
      },
    ]);
  });
});

describe('docs/drills.md', () => {
  const md = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'drills.md'), 'utf8');
  const objects = [...md.matchAll(/```yaml\n([\s\S]*?)```/g)].flatMap((m) =>
    parseAllDocuments(m[1] ?? '').map((d) => d.toJS() as KubeObject),
  );

  it('shows a drill the CRD and the hook accept', () => {
    const drill = objects.find((o) => o.kind === 'PostgresRestoreDrill')!;
    expect(new Ajv({ strict: false }).compile(root['properties'].spec)(drill['spec'])).toBe(true);
    expect(checkDrillObject(drill).ok).toBe(true);
  });

  it('shows a CronJob and its RBAC that validate against the Kubernetes schemas', () => {
    const k8s = objects.filter((o) => !o.apiVersion.startsWith('pgmeta.io'));
    expect(k8s.map((o) => o.kind)).toEqual(['ServiceAccount', 'Role', 'RoleBinding', 'CronJob']);
    const run = validateObjects(k8s);
    expect(invalidEntries(run.report)).toEqual([]);
    // The drill the CronJob creates is valid too.
    const script = /kubectl create -f -\\n([\s\S]*?)EOF/.exec(JSON.stringify(k8s[3]))?.[1] ?? '';
    const created = parse(script.replace(/\\n/g, '\n')) as KubeObject;
    expect(
      checkDrillObject({ ...created, metadata: { ...created.metadata, name: 'orders-weekly-x7k2p' } }).ok,
    ).toBe(true);
  });
});
