import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { sortKeysDeep, sortedJson, sortedKeys } from '../../../hooks/lib/canonical-json.js';

/** The plain definition: Array.prototype.sort's default order is UTF-16 code-unit order. */
function reference(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reference);
  if (value === null || typeof value !== 'object') return value;
  const rec = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(rec)
      .sort()
      .map((k) => [k, reference(rec[k])]),
  );
}

describe('canonical JSON', () => {
  it.each<[string, object, string[]]>([
    ['already in order', { a: 1, b: 2, c: 3 }, ['a', 'b', 'c']],
    ['reversed', { c: 1, b: 2, a: 3 }, ['a', 'b', 'c']],
    ['upper case before lower case', { b: 1, B: 2, a: 3 }, ['B', 'a', 'b']],
    ['an empty key first', { x: 1, '': 2 }, ['', 'x']],
    ['a prefix before its extensions', { ab: 1, a: 2, 'a-b': 3 }, ['a', 'a-b', 'ab']],
    ['code units, not code points', { '\u{1F600}': 1, '\uFF5E': 2 }, ['\u{1F600}', '\uFF5E']],
    ['no keys', {}, []],
  ])('sortedKeys: %s', (_name, obj, keys) => {
    expect(sortedKeys(obj)).toEqual(keys);
  });

  it('sorts nested objects and objects in arrays, keeping array order', () => {
    expect(sortedJson({ b: [{ z: 1, y: 2 }, 3], a: { d: null, c: undefined } })).toBe(
      '{"a":{"d":null},"b":[{"y":2,"z":1},3]}',
    );
  });

  it('gives the bytes of the plain sort-every-level definition, for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(sortedJson(value)).toBe(JSON.stringify(reference(value)));
        expect(sortKeysDeep(value)).toEqual(reference(value));
      }),
      { numRuns: 500 },
    );
  });
});
