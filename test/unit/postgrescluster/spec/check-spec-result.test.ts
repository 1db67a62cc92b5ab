/**
 * checkSpec's result: defaults applied, errors sorted and unique, no crash on any input; the canonical
 * JSON of a spec; and the translation of schema pointers and CEL field paths to Kubernetes field paths.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { canonicalSpecJson, checkSpec } from '../../../../hooks/postgrescluster/spec/index.js';
import type { KubeObject } from '../../../../hooks/lib/k8s.js';
import { appendFieldPath, pointerToPath } from '../../../../hooks/lib/field-errors.js';
import { BASE, errorsOf, parent } from './check-spec-support.js';

describe('checkSpec', () => {
  it('returns the spec with the CRD defaults applied', () => {
    const result = checkSpec(parent(BASE));
    expect(result.ok && result.spec).toEqual({
      ...BASE,
      replicas: 1,
      bootstrap: { database: 'app', owner: 'app' },
      platform: 'kubernetes',
      patroni: { dcs: 'endpoints' },
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
