import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  canonicalSpecJson,
  checkSpec,
  type FieldError,
} from '../../../../hooks/postgrescluster/spec/index.js';
import type { KubeObject } from '../../../../hooks/lib/k8s.js';
import { appendFieldPath, pointerToPath } from '../../../../hooks/lib/field-errors.js';

const BASE = { version: '16', storage: { size: '10Gi' } };

function parent(spec: unknown): KubeObject {
  return {
    apiVersion: 'pgmeta.io/v1alpha1',
    kind: 'PostgresCluster',
    metadata: { name: 'demo', namespace: 'db', uid: 'u1' },
    spec,
  };
}

function errorsOf(spec: unknown): FieldError[] {
  const result = checkSpec(parent(spec));
  return result.ok ? [] : result.errors;
}

describe('schema errors, with Kubernetes field paths', () => {
  it.each<[string, unknown, FieldError[]]>([
    ['no spec', undefined, [{ path: 'spec', message: 'required' }]],
    ['a null spec', null, [{ path: 'spec', message: 'must be an object' }]],
    ['a missing version', { storage: { size: '1Gi' } }, [{ path: 'spec.version', message: 'required' }]],
    [
      'an unsupported version',
      { ...BASE, version: '12' },
      [{ path: 'spec.version', message: 'must be one of 13, 14, 15, 16, 17, 18' }],
    ],
    [
      'a number as version',
      { ...BASE, version: 16 },
      [{ path: 'spec.version', message: 'must be a string' }],
    ],
    ['too many replicas', { ...BASE, replicas: 101 }, [{ path: 'spec.replicas', message: 'must be <= 100' }]],
    [
      'fractional replicas',
      { ...BASE, replicas: 1.5 },
      [{ path: 'spec.replicas', message: 'must be an integer' }],
    ],
    [
      'a typo in a field name',
      { ...BASE, storage: { size: '1Gi', storgeClass: 'x' } },
      [{ path: 'spec.storage.storgeClass', message: 'unknown field' }],
    ],
    [
      'a field that does not exist (replicas misspelt)',
      { ...BASE, replica: 3 },
      [{ path: 'spec.replica', message: 'unknown field' }],
    ],
    [
      'a bad retention policy',
      { ...BASE, storage: { size: '1Gi', retentionPolicy: { whenDeleted: 'Keep' } } },
      [{ path: 'spec.storage.retentionPolicy.whenDeleted', message: 'must be one of Retain, Delete' }],
    ],
    [
      'a float resource',
      { ...BASE, resources: { requests: { cpu: 0.5 } } },
      [
        {
          path: 'spec.resources.requests.cpu',
          message: 'must be an integer or a string (quote other values in YAML)',
        },
      ],
    ],
    [
      'a boolean setting',
      { ...BASE, postgresqlParams: { jit: true } },
      [
        {
          path: 'spec.postgresqlParams.jit',
          message: 'must be an integer or a string (quote other values in YAML)',
        },
      ],
    ],
    [
      'a bad CIDR',
      { ...BASE, service: { type: 'LoadBalancer', loadBalancerSourceRanges: ['10.0.0.0/33'] } },
      [{ path: 'spec.service.loadBalancerSourceRanges[0]', message: 'must be a CIDR such as 10.0.0.0/8' }],
    ],
    [
      'a toleration with a bad effect',
      { ...BASE, tolerations: [{ key: 'a', effect: 'Never' }] },
      [
        {
          path: 'spec.tolerations[0].effect',
          message: 'must be one of NoSchedule, PreferNoSchedule, NoExecute',
        },
      ],
    ],
    [
      'an annotation key that is not an identifier',
      { ...BASE, service: { annotations: { 'example.com/lb': 1 } } },
      [{ path: 'spec.service.annotations[example.com/lb]', message: 'must be a string' }],
    ],
    [
      'an upper-case database',
      { ...BASE, bootstrap: { database: 'App' } },
      [{ path: 'spec.bootstrap.database', message: 'must match pattern "^[a-z_][a-z0-9_]*$"' }],
    ],
    [
      'a setting value too long for the CRD',
      { ...BASE, postgresqlParams: { application_name: 'x'.repeat(4097) } },
      [
        {
          path: 'spec.postgresqlParams.application_name',
          message: 'must NOT have more than 4096 characters',
        },
      ],
    ],
  ])('%s', (_what, spec, expected) => {
    expect(errorsOf(spec)).toEqual(expected);
  });
});

describe('semantic checks', () => {
  it.each<[string, unknown, FieldError[]]>([
    [
      'an SQL reserved word as database',
      { ...BASE, bootstrap: { database: 'user' } },
      [{ path: 'spec.bootstrap.database', message: 'must not be an SQL reserved word' }],
    ],
    [
      'an image with a blank',
      { ...BASE, image: 'spilo:1 ' },
      [{ path: 'spec.image', message: 'must not contain blanks' }],
    ],
    [
      'a bad annotation key',
      { ...BASE, service: { annotations: { 'a b': 'x' } } },
      [
        {
          path: 'spec.service.annotations[a b]',
          message: 'key must be a qualified name such as example.com/name',
        },
      ],
    ],
    [
      'a bad node label value',
      { ...BASE, nodeSelector: { 'kubernetes.io/os': 'linux os' } },
      [
        {
          path: 'spec.nodeSelector[kubernetes.io/os]',
          message: 'must be a label value: up to 63 letters, digits, -, _ or .',
        },
      ],
    ],
    [
      'a value with operator Exists',
      { ...BASE, tolerations: [{ key: 'a', operator: 'Exists', value: 'b' }] },
      [{ path: 'spec.tolerations[0].value', message: 'must be empty when operator is Exists' }],
    ],
    [
      'no key without Exists',
      { ...BASE, tolerations: [{ value: 'b' }] },
      [{ path: 'spec.tolerations[0].operator', message: 'must be Exists when key is empty' }],
    ],
    [
      'tolerationSeconds without NoExecute',
      { ...BASE, tolerations: [{ key: 'a', tolerationSeconds: 5 }] },
      [{ path: 'spec.tolerations[0].effect', message: 'must be NoExecute when tolerationSeconds is set' }],
    ],
  ])('%s', (_what, spec, expected) => {
    expect(errorsOf(spec)).toEqual(expected);
  });

  it('accepts well-formed keys, labels and tolerations', () => {
    const spec = {
      ...BASE,
      service: { annotations: { 'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb' } },
      nodeSelector: { 'kubernetes.io/os': 'linux', pool: '' },
      tolerations: [
        { operator: 'Exists' },
        { key: 'dedicated', value: 'db', effect: 'NoExecute', tolerationSeconds: 30 },
      ],
    };
    expect(errorsOf(spec)).toEqual([]);
  });
});

describe('checkSpec', () => {
  it('returns the spec with the CRD defaults applied', () => {
    const result = checkSpec(parent(BASE));
    expect(result.ok && result.spec).toEqual({
      ...BASE,
      replicas: 1,
      bootstrap: { database: 'app', owner: 'app' },
    });
  });

  it('does not modify the parent it is given', () => {
    const p = parent({ ...BASE, synchronous: {} });
    const before = JSON.stringify(p);
    checkSpec(p, { ...BASE });
    expect(JSON.stringify(p)).toBe(before);
  });

  it('sorts errors by path and message and drops duplicates', () => {
    const errors = errorsOf({
      version: '16',
      replicas: 0,
      storage: { size: 'x' },
      postgresqlParams: { port: 1, Port: 2 },
      foo: 1,
    });
    const keys = errors.map((e) => `${e.path} ${e.message}`);
    expect(keys).toEqual([...new Set(keys)].sort());
    expect(errors.map((e) => e.path)).toEqual([
      'spec.foo',
      'spec.postgresqlParams.Port',
      'spec.postgresqlParams.port',
      'spec.replicas',
      'spec.storage.size',
    ]);
  });

  it('never throws and always sorts, whatever it is given', () => {
    const anything = fc.anything({
      maxDepth: 4,
      withBigInt: true,
      withMap: true,
      withDate: true,
      withNullPrototype: true,
    });
    const specLike = fc.record(
      {
        version: fc.oneof(fc.constantFrom('13', '16', '18', '1e3'), anything),
        replicas: fc.oneof(fc.integer(), fc.double(), anything),
        storage: fc.oneof(
          fc.record({ size: fc.oneof(fc.string(), fc.integer(), anything), storageClass: anything }),
          anything,
        ),
        postgresqlParams: fc.oneof(
          fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.double(), anything)),
          anything,
        ),
        resources: fc.oneof(fc.record({ requests: fc.dictionary(fc.string(), anything) }), anything),
        synchronous: anything,
        pgHba: fc.oneof(fc.array(fc.string()), anything),
        affinity: anything,
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(specLike, anything), fc.oneof(specLike, anything), (spec, previous) => {
        const result = checkSpec(parent(spec), previous);
        if (!result.ok) {
          expect(result.errors.length).toBeGreaterThan(0);
          const keys = result.errors.map((e) => `${e.path}\u0000${e.message}`);
          expect(keys).toEqual([...keys].sort());
        }
      }),
      { numRuns: 300 },
    );
  });

  it('reports a `__proto__` field as unknown, and never reads fields through it', () => {
    const spec = JSON.parse(
      '{"version":"16","storage":{"size":"1Gi"},"__proto__":{"replicas":100}}',
    ) as unknown;
    expect(errorsOf(spec)).toEqual([{ path: 'spec.__proto__', message: 'unknown field' }]);
  });

  it('survives cycles, huge numbers and deep nesting', () => {
    const cyclic: Record<string, unknown> = { ...BASE };
    cyclic['self'] = cyclic;
    let deep: unknown = 'x';
    for (let i = 0; i < 10_000; i++) deep = [deep];
    for (const spec of [
      cyclic,
      { ...BASE, replicas: 1e308 },
      { ...BASE, postgresqlParams: { work_mem: 2 ** 60 } },
      { ...BASE, affinity: deep },
    ]) {
      expect(checkSpec(parent(spec)).ok).toBe(false);
    }
    expect(checkSpec(null as unknown as KubeObject)).toEqual({
      ok: false,
      errors: [{ path: 'spec', message: 'required' }],
    });
  });
});

describe('canonicalSpecJson', () => {
  it('sorts keys at every level and drops undefined', () => {
    expect(canonicalSpecJson({ b: 1, a: { d: [3, { z: 1, y: undefined, x: 2 }], c: 2 } })).toBe(
      '{"a":{"c":2,"d":[3,{"x":2,"z":1}]},"b":1}',
    );
  });

  it('gives the same text for the same spec, whatever the key order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const shuffled = JSON.parse(JSON.stringify(value), (_k, v: unknown) =>
          v && typeof v === 'object' && !Array.isArray(v)
            ? Object.fromEntries(Object.entries(v).reverse())
            : v,
        ) as unknown;
        expect(canonicalSpecJson(shuffled)).toBe(canonicalSpecJson(value));
        expect(canonicalSpecJson(JSON.parse(canonicalSpecJson(value)))).toBe(canonicalSpecJson(value));
      }),
    );
  });
});

describe('field paths', () => {
  it.each([
    ['', 'spec'],
    ['/storage/size', 'spec.storage.size'],
    ['/tolerations/0/key', 'spec.tolerations[0].key'],
    ['/service/annotations/example.com~1lb', 'spec.service.annotations[example.com/lb]'],
    ['/postgresqlParams/a~0b', 'spec.postgresqlParams[a~b]'],
  ])('instancePath %p → %s', (pointer, path) => {
    expect(pointerToPath('spec', pointer)).toBe(path);
  });

  it('appends a CEL fieldPath to the rule node', () => {
    expect(appendFieldPath('spec.storage', '.storageClass')).toBe('spec.storage.storageClass');
    expect(appendFieldPath('', '.metadata.name')).toBe('metadata.name');
    expect(appendFieldPath('spec', undefined)).toBe('spec');
  });
});
