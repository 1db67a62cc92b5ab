/**
 * The benchmark's payloads are only worth measuring if they are what Metacontroller sends for a
 * healthy cluster with every feature on: valid, answered 200 over HTTP, converged (the answer is a
 * fixpoint of its own status, so it is byte-identical whatever the clock), and complete.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { parse } from 'yaml';
import { CONTROLLERS } from '../../hooks/controllers';
import { buildPayloads, fullSpec, SYNC_PATH } from '../../scripts/bench/payloads';
import { testApp } from '../support/app';

const payloads = buildPayloads();

interface Crd {
  spec: { versions: { schema: { openAPIV3Schema: { properties: { spec: { properties: object } } } } }[] };
}

function crdSpecFields(): string[] {
  const crd = parse(
    readFileSync(join(__dirname, '..', '..', 'crds', 'postgresclusters.yaml'), 'utf8'),
  ) as Crd;
  return Object.keys(crd.spec.versions[0]!.schema.openAPIV3Schema.properties.spec.properties).sort();
}

describe('benchmark payloads', () => {
  it('are a 1-member and a 3-member cluster', () => {
    expect(payloads.map((p) => [p.name, p.replicas])).toEqual([
      ['1-member', 1],
      ['3-member', 3],
    ]);
  });

  // restore and standby exclude each other (a CEL rule): each payload sets one of them.
  const EXCLUSIVE: Readonly<Record<number, string>> = { 1: 'restore', 3: 'standby' };

  it.each([1, 3])(
    'the %i-member spec sets every field the CRD has but the one it excludes (a new feature must be benchmarked)',
    (n) => {
      expect(Object.keys(fullSpec(n)).sort()).toEqual(crdSpecFields().filter((f) => f !== EXCLUSIVE[n]));
    },
  );

  it.each(payloads)('$name: the body is the request, as JSON', (p) => {
    expect(JSON.parse(p.body)).toEqual(p.request);
  });

  it.each(payloads)(
    '$name: observed children carry managedFields and status; related holds the pods, PVCs and Endpoints',
    (p) => {
      const req = p.request as {
        children: Record<
          string,
          Record<string, { metadata: { managedFields?: unknown[] }; status?: unknown }>
        >;
        related: Record<string, Record<string, { metadata: { annotations?: Record<string, string> } }>>;
      };
      const children = Object.values(req.children).flatMap((m) => Object.values(m));
      expect(children.length).toBeGreaterThanOrEqual(10);
      for (const c of children) expect(c.metadata.managedFields?.length).toBeGreaterThan(0);
      expect(Object.values(req.children['StatefulSet.apps/v1']!)[0]!.status).toBeDefined();
      const pods = Object.values(req.related['Pod.v1']!);
      expect(pods).toHaveLength(p.replicas);
      for (const pod of pods)
        expect(JSON.parse(pod.metadata.annotations!['status']!)).toHaveProperty('xlog_location');
      expect(Object.keys(req.related['PersistentVolumeClaim.v1']!)).toHaveLength(p.replicas);
      expect(Object.keys(req.related['Endpoints.v1']!).length).toBeGreaterThanOrEqual(1);
    },
  );

  it.each(payloads)('$name: the real server answers 200 for a valid, running cluster', async (p) => {
    const { app } = testApp(CONTROLLERS);
    const res = await request(app).post(SYNC_PATH).set('Content-Type', 'application/json').send(p.body);
    expect(res.status).toBe(200);
    const conditions = res.body.status.conditions as { type: string; status: string }[];
    expect(res.body.status.phase).toBe('Running');
    expect(conditions.find((c) => c.type === 'SpecValid')?.status).toBe('True');
    expect(conditions.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(res.body.children.length).toBeGreaterThanOrEqual(10);
  });

  it.each(payloads)(
    "$name: converged: the answer is the same at any time, and its status is the parent's",
    async (p) => {
      const at = (now: string) =>
        request(testApp(CONTROLLERS, { now: () => now }).app)
          .post(SYNC_PATH)
          .send(p.request);
      const [a, b] = await Promise.all([at('2026-11-21T10:00:00Z'), at('2030-01-01T00:00:00Z')]);
      expect(a.text).toBe(b.text);
      expect(a.body.status).toEqual((p.request['parent'] as { status: unknown }).status);
    },
  );
});
