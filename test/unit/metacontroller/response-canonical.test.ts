/**
 * The response builder's output is canonical JSON (docs/architecture.md rule 7) after the single sanitize pass that
 * replaced the second one (issue 9): the namespace it adds sits in sorted key order, everything else
 * is exactly what one sanitize pass gives, and error messages still name the exact path.
 */
import fc from 'fast-check';
import { sanitize } from '../../../hooks/lib/sanitize';
import { checkChildren } from '../../../hooks/metacontroller/response';

const CM = {
  kind: 'ConfigMap',
  apiVersion: 'v1',
  resource: 'configmaps',
  updateStrategy: 'InPlace',
} as const;
const scope = { types: [CM], namespace: 'ns1', observed: {} };

describe('checkChildren output', () => {
  it('adds the namespace in sorted key order among the other metadata keys', () => {
    const [child] = checkChildren(
      [{ kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'a', labels: { x: '1' }, uid: 'u' } }],
      scope,
    );
    expect(Object.keys(child!.metadata)).toEqual(['labels', 'name', 'namespace', 'uid']);
  });

  it('keeps a namespace that is already the parent one', () => {
    const [child] = checkChildren(
      [{ kind: 'ConfigMap', apiVersion: 'v1', metadata: { namespace: 'ns1', name: 'a' } }],
      scope,
    );
    expect(child!.metadata).toEqual({ name: 'a', namespace: 'ns1' });
  });

  it('is byte-identical to the two sanitize passes it replaces, for any child content', () => {
    const value = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null));
    const content = fc.dictionary(
      fc.string({ minLength: 1, maxLength: 8 }),
      fc.oneof(value, fc.dictionary(fc.string({ maxLength: 4 }), value)),
    );
    fc.assert(
      fc.property(
        content,
        fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string()),
        (data, labels) => {
          const raw = { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'a', labels }, data };
          const [child] = checkChildren([raw], scope);
          const twice = sanitize({ ...raw, metadata: { ...raw.metadata, namespace: 'ns1' } });
          expect(JSON.stringify(child)).toBe(JSON.stringify(twice));
        },
      ),
    );
  });
});

describe('sanitize error paths (built only on error)', () => {
  it.each([
    [{ a: [{ b: Number.NaN }] }, 'unsupported number value at $.a[0].b'],
    [{ a: { 'x.y': [[1, Infinity]] } }, 'unsupported number value at $.a.x.y[0][1]'],
    [{ spec: { env: [{ name: 'A', when: new Date(0) }] } }, 'non-plain object at $.spec.env[0].when'],
  ])('%j → %s', (input, message) => {
    expect(() => sanitize(input)).toThrow(message);
  });

  it('names the root it was given', () => {
    expect(() => sanitize({ a: () => 1 }, 'status')).toThrow('unsupported function value at status.a');
  });

  it('drops empty env values only in lists under an `env` key, at any depth', () => {
    const input = { c: [{ env: [{ name: 'A', value: '' }], other: [{ name: 'B', value: '' }] }] };
    expect(sanitize(input)).toEqual({ c: [{ env: [{ name: 'A' }], other: [{ name: 'B', value: '' }] }] });
  });
});
