import { sanitize } from '../../../hooks/lib/sanitize';

describe('sanitize', () => {
  it.each([
    ['drops null and undefined fields', { a: 1, b: null, c: undefined }, { a: 1 }],
    ['drops nulls inside lists', { l: [1, null, 2] }, { l: [1, 2] }],
    ['sorts keys recursively', { b: { z: 1, a: 2 }, a: 0 }, { a: 0, b: { a: 2, z: 1 } }],
    ['keeps empty objects (emptyDir: {} means something)', { emptyDir: {} }, { emptyDir: {} }],
    ['keeps empty strings outside env', { data: { k: '' } }, { data: { k: '' } }],
    [
      'drops empty-string env values but keeps the variable',
      {
        env: [
          { name: 'A', value: '' },
          { name: 'B', value: 'x' },
        ],
      },
      { env: [{ name: 'A' }, { name: 'B', value: 'x' }] },
    ],
    [
      'keeps env valueFrom entries',
      { env: [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'x' } } }] },
      { env: [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'x' } } }] },
    ],
  ])('%s', (_name, input, expected) => {
    expect(JSON.stringify(sanitize(input))).toBe(JSON.stringify(expected));
  });

  it("keeps a `__proto__` key as data (as JSON.parse gives it), never as the copy's prototype", () => {
    const input = JSON.parse('{"labels":{"__proto__":{"x":"1"},"a":"b"}}') as unknown;
    expect(JSON.stringify(sanitize(input))).toBe('{"labels":{"__proto__":{"x":"1"},"a":"b"}}');
  });

  it.each([
    ['NaN', { a: Number.NaN }, 'unsupported number value at $.a'],
    ['Infinity', { a: Infinity }, 'unsupported number'],
    ['a function', { a: () => 1 }, 'unsupported function'],
    ['a Date instance', { a: new Date(0) }, 'non-plain object at $.a'],
    ['a bigint', { a: BigInt(1) }, 'unsupported bigint'],
  ])('refuses %s', (_name, input, message) => {
    expect(() => sanitize(input)).toThrow(message);
  });
});
