/**
 * The TypeScript mirrors of the CRD's CEL rules: they reject what the API server rejects (the cases of
 * validate-cases.ts), accept what it accepts, and survive values of the wrong type.
 */
import { describe, expect, it } from '@jest/globals';
import { checkSpec, type FieldError } from '../../../../hooks/postgrescluster/spec/index.js';
import { MIRRORS, runRules } from '../../../../hooks/postgrescluster/spec/validate.js';
import { BASE, FAILING } from './validate-cases.js';

function parent(spec: unknown, name = 'demo') {
  return {
    apiVersion: 'pgmeta.io/v1alpha1',
    kind: 'PostgresCluster',
    metadata: { name, namespace: 'db', uid: 'u1' },
    spec,
  };
}

function errorsOf(spec: unknown, opts: { name?: string; previous?: unknown } = {}): FieldError[] {
  const result = checkSpec(parent(spec, opts.name), opts.previous);
  return result.ok ? [] : result.errors;
}

describe('CEL mirrors reject what the API server rejects', () => {
  it.each(FAILING)('$what', ({ spec, name, previous, error }) => {
    expect(errorsOf(spec, { ...(name ? { name } : {}), previous })).toEqual([error]);
  });

  it('every mirrored rule has a failing case in validate-cases.ts', () => {
    const tested = new Set(FAILING.map((c) => c.rule));
    expect(Object.keys(MIRRORS).filter((rule) => !tested.has(rule))).toEqual([]);
  });
});

describe('CEL mirrors accept what the API server accepts', () => {
  it.each([
    ['a 40-character name', BASE, 'a'.repeat(40), undefined],
    ['a name with dashes and digits', BASE, 'pg-1-a', undefined],
    [
      'asynchronous with a large nodeCount',
      { ...BASE, synchronous: { mode: 'async', nodeCount: 5 } },
      'demo',
      undefined,
    ],
    [
      'strict with fewer synchronous replicas',
      { ...BASE, replicas: 3, synchronous: { mode: 'strict', nodeCount: 2 } },
      'demo',
      undefined,
    ],
    ['a major upgrade', { ...BASE, version: '17' }, 'demo', BASE],
    [
      'the same StorageClass',
      { ...BASE, storage: { size: '10Gi', storageClass: 'a' } },
      'demo',
      { ...BASE, storage: { size: '10Gi', storageClass: 'a' } },
    ],
    ['the same size in other units', { ...BASE, storage: { size: '10240Mi' } }, 'demo', BASE],
    ['a larger volume', { ...BASE, storage: { size: '1Ti' } }, 'demo', BASE],
    [
      'requests equal to limits, mixing integers and strings',
      {
        ...BASE,
        resources: {
          requests: { cpu: '1000m', 'hugepages-2Mi': '2Mi' },
          limits: { cpu: 1, 'hugepages-2Mi': '2Mi' },
        },
      },
      'demo',
      undefined,
    ],
    [
      'a request without a limit',
      { ...BASE, resources: { requests: { memory: '1Gi' }, limits: { cpu: '2' } } },
      'demo',
      undefined,
    ],
    [
      'indented pg_hba rules of every type',
      { ...BASE, pgHba: ['  hostssl all all ::/0 scram-sha-256', 'local\tall all peer'] },
      'demo',
      undefined,
    ],
    [
      'the defaulted bootstrap written out',
      { ...BASE, bootstrap: { database: 'app', owner: 'app' } },
      'demo',
      BASE,
    ],
    [
      'a Local policy on a LoadBalancer',
      {
        ...BASE,
        service: {
          type: 'LoadBalancer',
          externalTrafficPolicy: 'Local',
          loadBalancerSourceRanges: ['10.0.0.0/8', 'fd00::/8'],
        },
      },
      'demo',
      undefined,
    ],
    [
      'an empty source range list on ClusterIP',
      { ...BASE, service: { loadBalancerSourceRanges: [] } },
      'demo',
      undefined,
    ],
  ])('%s', (_what, spec, name, previous) => {
    expect(errorsOf(spec, { name, previous })).toEqual([]);
  });

  it('skips transition rules on create (no previous spec)', () => {
    expect(errorsOf({ ...BASE, version: '13', storage: { size: '1Gi', storageClass: 'x' } })).toEqual([]);
  });

  it('compares with the previous spec after applying its defaults', () => {
    // The stored last valid spec may predate defaults; bootstrap absent there means app/app.
    expect(
      errorsOf(
        { ...BASE, bootstrap: { database: 'app' } },
        { previous: { version: '16', storage: { size: '10Gi' } } },
      ),
    ).toEqual([]);
  });

  it('reports every broken rule at once, sorted by path', () => {
    const errors = errorsOf(
      { version: '15', storage: { size: '5Gi' }, replicas: 1, synchronous: { mode: 'sync' } },
      { previous: BASE, name: 'Bad' },
    );
    expect(errors.map((e) => e.path)).toEqual([
      'metadata.name',
      'spec.storage.size',
      'spec.synchronous.nodeCount',
      'spec.version',
    ]);
  });
});

describe('runRules', () => {
  it('reports a rule without a mirror instead of ignoring it', () => {
    expect(
      runRules([{ rule: 'self.foo == 1', message: 'm' }], { path: 'spec', self: {}, oldSelf: undefined }),
    ).toEqual([{ path: 'spec', message: 'no TypeScript mirror for the CRD rule self.foo == 1' }]);
  });

  it.each(Object.keys(MIRRORS))('the mirror of %s passes values of the wrong type to the schema', (rule) => {
    for (const value of [null, 42, 'x', [], {}, { metadata: 5 }, { synchronous: 'on' }]) {
      expect(() => MIRRORS[rule]?.(value, value)).not.toThrow();
    }
  });
});
