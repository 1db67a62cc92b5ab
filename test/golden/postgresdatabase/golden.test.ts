/**
 * Goldens of the PostgresDatabase hook: each case is a Metacontroller v2 request (request.yaml) and
 * the exact response the hook service sends back through `runHook` (response.yaml). Requests are
 * built from the previous case's response as the API server would store it, so the cases form one
 * story (story.ts): cluster not ready, first apply, applied, spec change, Job failed, finalize with
 * each policy.
 *
 *   UPDATE_GOLDEN=1 npx jest test/golden/postgresdatabase   # rewrite, then review the diff
 */
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { KubeObject } from '../../../hooks/lib/k8s';
import type { SyncResponse } from '../../../hooks/metacontroller/types';
import { derivePassword } from '../../../hooks/postgresdatabase/secrets';
import { invalidEntries, validateObjects } from '../../conformance/run-validate';
import { expectGolden, readGolden, updatingGolden } from '../../support/golden';
import { CTX, PARENT_UID } from './requests';
import { buildCases, byKind, CASE_NAMES, run, type Case } from './story';

// Built on first use inside a test, not while the file loads: a hook bug then fails named
// assertions instead of the whole suite.
let built: Case[] | undefined;
const cases = (): Case[] => (built ??= buildCases());
const caseNamed = (name: string): Case => {
  const c = cases().find((x) => x.name === name);
  if (c === undefined) throw new Error(`the story has no case ${name}`);
  return c;
};
const dir = (name: string): string => join(__dirname, name);
const responses = new Map<string, SyncResponse>();

it('the story tells the cases in the order named', () => {
  expect(cases().map((c) => c.name)).toEqual(CASE_NAMES);
});

describe.each(CASE_NAMES)('%s', (name) => {
  it('request.yaml is the request this case builds', () => {
    const c = caseNamed(name);
    expectGolden(join(dir(name), 'request.yaml'), c.body);
  });

  it('response.yaml is what the hook answers to request.yaml', () => {
    const c = caseNamed(name);
    const body = updatingGolden() ? c.body : readGolden(join(dir(name), 'request.yaml'));
    const response = run(c, body);
    responses.set(name, response);
    expectGolden(join(dir(name), 'response.yaml'), response);
    // Same request, byte-identical response (docs/architecture.md rule 5).
    expect(JSON.stringify(run(c, body))).toBe(JSON.stringify(response));
  });
});

function response(name: string): SyncResponse {
  const c = caseNamed(name);
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
    const observed = caseNamed('invalid-spec').body['children'] as Record<string, Record<string, KubeObject>>;
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
  const all = (): SyncResponse[] => CASE_NAMES.map((n) => response(n));

  it('every child validates against the Kubernetes OpenAPI schemas', () => {
    const children = all().flatMap((r) => r.children);
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
    for (const r of all()) {
      validate(r.status);
      expect(validate.errors ?? []).toEqual([]);
    }
  });
});
