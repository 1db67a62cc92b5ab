/**
 * Goldens of the PostgresDatabase hook: each case is a Metacontroller v2 request (request.yaml) and
 * the exact response the hook service sends back through `runHook` (response.yaml). Requests are
 * built from the previous case's response as the API server would store it, so the cases form one
 * story: cluster not ready, first apply, applied, spec change, Job failed, finalize with each policy.
 *
 *   UPDATE_GOLDEN=1 npx jest test/golden/postgresdatabase   # rewrite, then review the diff
 */
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { KubeObject } from '../../../hooks/lib/k8s';
import { runHook } from '../../../hooks/metacontroller/dispatch';
import type { SyncResponse } from '../../../hooks/metacontroller/types';
import { postgresDatabaseController } from '../../../hooks/postgresdatabase/controller';
import { derivePassword } from '../../../hooks/postgresdatabase/secrets';
import { invalidEntries, validateObjects } from '../../conformance/run-validate';
import { expectGolden, readGolden, updatingGolden } from '../../support/golden';
import { CTX, PARENT_UID, exampleSpec, parent, request, stored } from './requests';

type Hook = 'sync' | 'finalize';
interface Case {
  name: string;
  hook: Hook;
  body: Record<string, unknown>;
  /** Each case happens a minute after the previous one, so carried-over transition times show. */
  now: string;
}

function run(c: Pick<Case, 'hook' | 'now'>, body: unknown): SyncResponse {
  return runHook({
    def: postgresDatabaseController,
    hook: c.hook,
    body,
    ctx: { ...CTX, now: c.now },
  }) as SyncResponse;
}

const byKind = (r: SyncResponse, kind: string): KubeObject[] => r.children.filter((c) => c.kind === kind);

/** The story, built case by case from the previous response. */
function buildCases(): Case[] {
  const base = exampleSpec();
  const cases: Case[] = [];
  const add = (name: string, hook: Hook, body: Record<string, unknown>): SyncResponse => {
    const c = { name, hook, body, now: `2026-03-01T12:${String(cases.length).padStart(2, '0')}:00Z` };
    cases.push(c);
    return run(c, body);
  };
  const notReady = add(
    'cluster-not-ready',
    'sync',
    request({ parent: parent({ spec: base, generation: 1 }), children: [], clusterReady: false }),
  );
  const first = add(
    'first-apply',
    'sync',
    request({
      parent: parent({ spec: base, generation: 1, status: notReady.status }),
      children: notReady.children.map((c) => stored(c)),
      clusterReady: true,
    }),
  );
  const appliedChildren = first.children.map((c) => stored(c, { outcome: 'succeeded' }));
  const applied = add(
    'applied',
    'sync',
    request({
      parent: parent({ spec: base, generation: 1, status: first.status }),
      children: appliedChildren,
      clusterReady: true,
    }),
  );
  const roles = base['roles'] as { name: string }[];
  const changedSpec = {
    ...base,
    roles: [
      ...roles.filter((r) => r.name !== 'shop_reporting'),
      { name: 'shop_batch', inRoles: ['shop_readers'], connectionLimit: 5 },
    ],
    extensions: [...(base['extensions'] as object[]), { name: 'pg_trgm', schema: 'shop' }],
    grants: (base['grants'] as { role: string; on: string }[]).filter(
      (g) => !(g.role === 'shop_app' && g.on === 'sequences'),
    ),
  };
  const changed = add(
    'spec-change',
    'sync',
    request({
      parent: parent({ spec: changedSpec, generation: 2, status: applied.status }),
      children: appliedChildren,
      clusterReady: true,
    }),
  );
  const newJob = byKind(changed, 'Job')[0]!.metadata.name;
  add(
    'job-failed',
    'sync',
    request({
      parent: parent({ spec: changedSpec, generation: 2, status: changed.status }),
      children: changed.children.map((c) =>
        stored(c, { outcome: c.metadata.name === newJob ? 'failed' : 'succeeded' }),
      ),
      clusterReady: true,
    }),
  );
  add(
    'invalid-spec',
    'sync',
    request({
      parent: parent({
        spec: { ...base, roles: [...roles, { name: 'root', privileges: ['SUPERUSER'] }] },
        generation: 3,
        status: applied.status,
      }),
      children: appliedChildren,
      clusterReady: true,
    }),
  );
  add(
    'finalize-retain',
    'finalize',
    request({
      parent: parent({ spec: base, generation: 1, status: applied.status, deleting: true }),
      children: appliedChildren,
      clusterReady: true,
      finalizing: true,
    }),
  );
  const deleteSpec = { ...base, reclaimPolicy: 'delete' };
  const deleting = add(
    'finalize-delete',
    'finalize',
    request({
      parent: parent({ spec: deleteSpec, generation: 2, status: applied.status, deleting: true }),
      children: appliedChildren,
      clusterReady: true,
      finalizing: true,
    }),
  );
  add(
    'finalize-delete-done',
    'finalize',
    request({
      parent: parent({ spec: deleteSpec, generation: 2, status: deleting.status, deleting: true }),
      children: deleting.children.map((c) => stored(c, { outcome: 'succeeded' })),
      clusterReady: true,
      finalizing: true,
    }),
  );
  add(
    'finalize-delete-cluster-gone',
    'finalize',
    request({
      parent: parent({ spec: deleteSpec, generation: 2, status: applied.status, deleting: true }),
      children: appliedChildren,
      clusterReady: 'gone',
      finalizing: true,
    }),
  );
  return cases;
}

const cases = buildCases();
const dir = (name: string): string => join(__dirname, name);
const responses = new Map<string, SyncResponse>();

describe.each(cases.map((c) => [c.name, c] as const))('%s', (name, c) => {
  it('request.yaml is the request this case builds', () => {
    expectGolden(join(dir(name), 'request.yaml'), c.body);
  });

  it('response.yaml is what the hook answers to request.yaml', () => {
    const body = updatingGolden() ? c.body : readGolden(join(dir(name), 'request.yaml'));
    const response = run(c, body);
    responses.set(name, response);
    expectGolden(join(dir(name), 'response.yaml'), response);
    // Same request, byte-identical response (DESIGN rule 5).
    expect(JSON.stringify(run(c, body))).toBe(JSON.stringify(response));
  });
});

function response(name: string): SyncResponse {
  const c = cases.find((x) => x.name === name)!;
  return responses.get(name) ?? run(c, c.body);
}

describe('what each case shows', () => {
  it('cluster not ready: credentials are there, nothing runs', () => {
    const r = response('cluster-not-ready');
    expect(byKind(r, 'Job')).toEqual([]);
    expect(byKind(r, 'Secret').map((s) => s.metadata.annotations?.['pgmeta.io/protected'])).toEqual([
      'true',
      'true',
      'true',
      'true',
    ]);
    expect(r.status).toMatchObject({
      phase: 'Pending',
      conditions: expect.arrayContaining([
        expect.objectContaining({ type: 'ClusterReady', status: 'False', reason: 'ClusterNotReady' }),
      ]),
    });
  });

  it('first apply: one Job from the cluster image; passwords only by reference', () => {
    const r = response('first-apply');
    const [job] = byKind(r, 'Job');
    expect(job).toBeDefined();
    const text = JSON.stringify(job);
    for (const role of ['shop_owner', 'shop_app', 'shop_readers', 'shop_reporting']) {
      expect(text).not.toContain(derivePassword(CTX.operatorKey, PARENT_UID, role));
    }
    expect(text).toContain('ghcr.io/zalando/spilo-17');
    expect(r.status).toMatchObject({ phase: 'Applying' });
  });

  it('applied: Ready, and the applied revision is the desired one', () => {
    const s = response('applied').status as {
      phase: string;
      appliedRevision: string;
      desiredRevision: string;
    };
    expect(s.phase).toBe('Ready');
    expect(s.appliedRevision).toBe(s.desiredRevision);
  });

  it('spec change: a new Job; the removed role keeps its Secret unchanged', () => {
    const before = response('applied');
    const after = response('spec-change');
    expect(byKind(after, 'Job')[0]!.metadata.name).not.toBe(byKind(before, 'Job')[0]!.metadata.name);
    const removed = byKind(after, 'Secret').find((s) => s.metadata.name === 'shop-shop-reporting');
    expect(removed).toBeDefined();
    expect(removed?.['data']).toEqual(
      byKind(before, 'Secret').find((s) => s.metadata.name === 'shop-shop-reporting')?.['data'],
    );
    expect(after.status).toMatchObject({ phase: 'Applying' });
  });

  it('Job failed: Failed with the reason, and the Job stays for its logs', () => {
    const r = response('job-failed');
    expect(byKind(r, 'Job')).toHaveLength(1);
    expect(r.status).toMatchObject({ phase: 'Failed' });
    expect(JSON.stringify(r.status)).toContain('BackoffLimitExceeded');
  });

  it('invalid spec: every observed child stays, the status names the field', () => {
    const r = response('invalid-spec');
    const observed = cases.find((c) => c.name === 'invalid-spec')!.body['children'] as Record<
      string,
      Record<string, KubeObject>
    >;
    const names = Object.values(observed).flatMap((m) =>
      Object.values(m).map((o) => `${o.kind}/${o.metadata.name}`),
    );
    expect(r.children.map((c) => `${c.kind}/${c.metadata.name}`).sort()).toEqual(names.sort());
    expect(JSON.stringify(r.status)).toContain('spec.roles: SUPERUSER requires allowSuperuser to be true');
  });

  it.each([
    ['finalize-retain', true, 0],
    ['finalize-delete', false, 1],
    ['finalize-delete-done', true, 1],
    ['finalize-delete-cluster-gone', true, 0],
  ] as const)('%s: finalized %s with %d drop Job', (name, finalized, jobs) => {
    const r = response(name);
    expect(r.finalized).toBe(finalized);
    expect(
      byKind(r, 'Job').filter((j) => j.metadata.annotations?.['pgmeta.io/sql-action'] === 'delete'),
    ).toHaveLength(jobs);
    expect(byKind(r, 'Secret')).toHaveLength(4);
  });
});

/** A structural schema as ajv reads it, closed like the API server's pruning: unknown fields fail. */
function closed(node: unknown): Record<string, unknown> {
  if (typeof node !== 'object' || node === null) return node as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k.startsWith('x-kubernetes-')) continue;
    if (k === 'properties')
      out[k] = Object.fromEntries(Object.entries(v as object).map(([p, s]) => [p, closed(s)]));
    else if (k === 'items') out[k] = closed(v);
    else out[k] = v;
  }
  if (out['properties'] !== undefined) out['additionalProperties'] = false;
  return out;
}

describe('conformance', () => {
  const all = cases.map((c) => response(c.name));

  it('every child validates against the Kubernetes OpenAPI schemas', () => {
    const children = all.flatMap((r) => r.children);
    const run = validateObjects(children);
    expect(run.stderr).toBe('');
    expect(run.report).toHaveLength(children.length);
    expect(invalidEntries(run.report)).toEqual([]);
  });

  it('every status validates against the CRD status schema (nothing would be pruned)', () => {
    const crd = parse(
      readFileSync(join(__dirname, '..', '..', '..', 'crds', 'postgresdatabases.yaml'), 'utf8'),
    ) as {
      spec: {
        versions: { schema: { openAPIV3Schema: { properties: { status: Record<string, unknown> } } } }[];
      };
    };
    const ajv = new Ajv({ allErrors: true, strict: true });
    addFormats(ajv, ['int32', 'int64', 'date-time']);
    const validate = ajv.compile(closed(crd.spec.versions[0]!.schema.openAPIV3Schema.properties.status));
    for (const r of all) {
      validate(r.status);
      expect(validate.errors ?? []).toEqual([]);
    }
  });
});
