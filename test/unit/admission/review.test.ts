/**
 * The admission webhook's decisions on the AdmissionReview v1 contract: the same checks as the sync
 * hooks, refusals with field paths, transition rules against a valid old object, and never a refusal
 * that would stand between a user and deleting or fixing a cluster.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { review, ReviewError } from '../../../hooks/admission/review';
import type { KubeObject } from '../../../hooks/lib/k8s';

const cluster = (): KubeObject => parse(readFileSync('examples/cluster-ha.yaml', 'utf8')) as KubeObject;
const withSpec = (o: KubeObject, spec: Record<string, unknown>): KubeObject => ({
  ...o,
  spec: { ...(o['spec'] as object), ...spec },
});

function call(operation: string, object?: unknown, oldObject?: unknown) {
  return review({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: { uid: 'c0ffee', operation, object, oldObject },
  });
}

describe('admission review (AdmissionReview v1)', () => {
  it('answers the same kind and version, echoing the uid, and allows a valid cluster', () => {
    const r = call('CREATE', cluster());
    expect(r).toEqual({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: { uid: 'c0ffee', allowed: true },
    });
  });

  it('refuses a misspelt parameter at once, naming the field', () => {
    const bad = withSpec(cluster(), { postgresqlParams: { shared_buffer: '1GB' } });
    const { response } = call('CREATE', bad);
    expect(response.allowed).toBe(false);
    expect(response.status).toMatchObject({ code: 422, reason: 'Invalid' });
    expect(response.status?.message).toMatch(
      /^PostgresCluster orders is invalid: spec\.postgresqlParams\.shared_buffer: /,
    );
  });

  it('judges an update by the transition rules against the old object', () => {
    const old = cluster();
    const shrunk = withSpec(old, {
      storage: { ...(old['spec'] as { storage: object }).storage, size: '1Gi' },
    });
    const { response } = call('UPDATE', shrunk, old);
    expect(response.allowed).toBe(false);
    expect(response.status?.message).toContain('spec.storage.size: cannot shrink storage from 20Gi to 1Gi');
    // The same object on its own (a CREATE) is valid: the refusal came from the old object.
    expect(call('CREATE', shrunk).response.allowed).toBe(true);
  });

  it('lets a fix through when the old spec was invalid itself (the sync hook keeps the last valid one)', () => {
    const invalidOld = withSpec(cluster(), {
      postgresqlParams: { shared_buffer: '1GB' },
      storage: { size: '50Gi' },
    });
    const fixed = withSpec(cluster(), { storage: { size: '10Gi' } });
    expect(call('UPDATE', fixed, invalidOld).response.allowed).toBe(true);
  });

  it('never refuses an update that leaves an invalid spec as it was (finalizers, labels), but warns', () => {
    const invalid = withSpec(cluster(), { postgresqlParams: { shared_buffer: '1GB' } });
    const relabelled = { ...invalid, metadata: { ...invalid.metadata, labels: { team: 'a' } } };
    const { response } = call('UPDATE', relabelled, invalid);
    expect(response.allowed).toBe(true);
    expect(response.warnings).toHaveLength(1);
    expect(response.warnings?.[0]!.length).toBeLessThanOrEqual(120);
    expect(response.warnings?.[0]).toContain('shared_buffer');
  });

  it('never refuses a delete, nor any change to an object being deleted', () => {
    const invalid = withSpec(cluster(), { version: '9' });
    expect(call('DELETE', null, invalid).response.allowed).toBe(true);
    const deleting = {
      ...invalid,
      metadata: { ...invalid.metadata, deletionTimestamp: '2026-12-07T00:00:00Z' },
    };
    expect(call('UPDATE', deleting, cluster()).response.allowed).toBe(true);
  });

  it('warns when the major version is raised (refused by the sync hook once the cluster holds data)', () => {
    const old = withSpec(cluster(), { version: '16' });
    const { response } = call('UPDATE', withSpec(old, { version: '17' }), old);
    expect(response.allowed).toBe(true);
    expect(response.warnings?.[0]).toMatch(/^spec\.version 16 -> 17: /);
  });

  it('checks PostgresDatabases and PostgresBackups with their own rules', () => {
    const db = parse(readFileSync('examples/database.yaml', 'utf8')) as KubeObject;
    expect(call('CREATE', db).response.allowed).toBe(true);
    const badDb = { ...db, spec: { ...(db['spec'] as object), clusterRef: {} } };
    expect(call('CREATE', badDb).response.status?.message).toContain('spec.clusterRef');
    const backup = {
      apiVersion: 'pgmeta.io/v1alpha1',
      kind: 'PostgresBackup',
      metadata: { name: 'b1' },
      spec: {},
    };
    expect(call('CREATE', backup).response.status?.message).toBe(
      'PostgresBackup b1 is invalid: spec.clusterRef: required',
    );
  });

  it('allows kinds it does not know (the configuration never sends them)', () => {
    expect(
      call('CREATE', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }).response.allowed,
    ).toBe(true);
  });

  it.each([
    ['not a review', { kind: 'Nope' }],
    [
      'another version',
      {
        apiVersion: 'admission.k8s.io/v1beta1',
        kind: 'AdmissionReview',
        request: { uid: 'u', operation: 'CREATE' },
      },
    ],
    [
      'no uid',
      { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { operation: 'CREATE' } },
    ],
  ])('throws ReviewError for %s', (_what, body) => {
    expect(() => review(body)).toThrow(ReviewError);
  });
});
