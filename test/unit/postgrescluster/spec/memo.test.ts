import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { KubeObject } from '../../../../hooks/lib/k8s.js';
import {
  canonicalSpecJson,
  checkParsedSpec,
  checkSpec,
} from '../../../../hooks/postgrescluster/spec/index.js';

const VALID = {
  version: '16',
  storage: { size: '10Gi' },
  replicas: 3,
  postgresqlParams: { work_mem: '8MB' },
};

function parent(spec: unknown, meta: Partial<KubeObject['metadata']> = {}): KubeObject {
  return {
    apiVersion: 'pgmeta.io/v1alpha1',
    kind: 'PostgresCluster',
    metadata: { name: 'demo', namespace: 'db', uid: 'u1', ...meta },
    spec,
  };
}

/** A value as it arrives in a request: parsed from JSON text. */
const parsed = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('checkParsedSpec (the memoized checkSpec of the sync hook)', () => {
  it('answers exactly what checkSpec answers, for valid, invalid and transition cases', () => {
    const specs = fc.record(
      {
        version: fc.constantFrom('13', '15', '16', '17', '99'),
        replicas: fc.oneof(fc.integer({ min: -1, max: 6 }), fc.constant(1.5)),
        storage: fc.record({ size: fc.constantFrom('1Gi', '10Gi', 'big') }),
        postgresqlParams: fc.dictionary(
          fc.constantFrom('work_mem', 'max_connections', 'nope'),
          fc.jsonValue(),
        ),
        extra: fc.jsonValue(),
      },
      { requiredKeys: ['version', 'storage'] },
    );
    const names = fc.constantFrom('demo', 'orders', 'x'.repeat(41), 'bad_name', 'db-ro');
    fc.assert(
      fc.property(specs, fc.option(specs, { nil: undefined }), names, (spec, previous, name) => {
        const p = parsed(parent(spec, { name }));
        const prev = previous === undefined ? undefined : parsed(previous);
        const expected = checkSpec(p, prev);
        expect(checkParsedSpec(p, prev)).toEqual(expected);
        // The second call is a memo hit and still the same answer.
        expect(checkParsedSpec(parsed(p), prev === undefined ? undefined : parsed(prev))).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('hands out one frozen result per input, unchanged by what a caller tries', () => {
    const first = checkParsedSpec(parent(parsed(VALID)));
    const again = checkParsedSpec(parent(parsed(VALID)));
    expect(again).toBe(first);
    if (!first.ok) throw new Error('expected a valid spec');
    expect(Object.isFrozen(first.resolved)).toBe(true);
    expect(() => {
      (first.spec as { replicas?: number }).replicas = 5;
    }).toThrow(TypeError);
    // The remembered canonical text is the one an unshared copy of the spec gives.
    expect(canonicalSpecJson(first.spec)).toBe(canonicalSpecJson(parsed(first.spec)));
  });

  it('ignores the parent fields checkSpec never reads, and keys on the ones it does', () => {
    const base = checkParsedSpec(parent(parsed(VALID)));
    const withStatus = checkParsedSpec({ ...parent(parsed(VALID)), status: { phase: 'Running' } });
    expect(withStatus).toBe(base);
    const otherUid = checkParsedSpec(parent(parsed(VALID), { uid: 'u2' }));
    expect(otherUid).not.toBe(base);
    expect(otherUid.ok && otherUid.resolved.uid).toBe('u2');
    const longName = checkParsedSpec(parent(parsed(VALID), { name: 'n'.repeat(41) }));
    expect(longName.ok).toBe(false);
  });

  it('checks, without remembering, inputs too deep or too large to key', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(checkParsedSpec(parent({ ...VALID, affinity: deep })).ok).toBe(false);
    const huge = { ...VALID, postgresqlParams: { search_path: 'a'.repeat(70_000) } };
    const a = checkParsedSpec(parent(huge));
    expect(checkParsedSpec(parent(huge))).not.toBe(a);
    expect(checkParsedSpec(parent(huge))).toEqual(a);
  });
});
