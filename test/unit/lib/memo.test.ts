import { describe, expect, it } from '@jest/globals';
import { createMemo, deepFreeze } from '../../../hooks/lib/memo.js';

describe('createMemo', () => {
  it('computes a key once and answers later calls with the same value', () => {
    const memo = createMemo<{ n: number }>(4);
    let calls = 0;
    const compute = () => ({ n: ++calls });
    const first = memo.get('a', compute);
    expect(memo.get('a', compute)).toBe(first);
    expect(calls).toBe(1);
    expect(memo.get('b', compute)).toEqual({ n: 2 });
  });

  it('keeps at most `capacity` entries and evicts the least recently used first', () => {
    const memo = createMemo<string>(2);
    const computed: string[] = [];
    const get = (k: string) => memo.get(k, () => (computed.push(k), k.toUpperCase()));
    get('a');
    get('b');
    get('a'); // a is now the most recently used
    get('c'); // evicts b
    expect(memo.size).toBe(2);
    get('a');
    get('b');
    expect(computed).toEqual(['a', 'b', 'c', 'b']);
  });

  it.each([0, -1, 1.5, Number.NaN, undefined as unknown as number])('refuses capacity %p', (capacity) => {
    expect(() => createMemo(capacity)).toThrow(RangeError);
  });

  it('remembers undefined values too', () => {
    const memo = createMemo<undefined>(2);
    let calls = 0;
    const compute = (): undefined => {
      calls++;
      return undefined;
    };
    memo.get('x', compute);
    memo.get('x', compute);
    expect(calls).toBe(1);
  });

  it('freezes values deeply, so a caller cannot change what a later caller gets', () => {
    const memo = createMemo<{ a: { b: number[] } }>(1);
    const value = memo.get('k', () => ({ a: { b: [1] } }));
    expect(() => value.a.b.push(2)).toThrow(TypeError);
    expect(() => {
      value.a.b = [];
    }).toThrow(TypeError);
    expect(memo.get('k', () => ({ a: { b: [9] } })).a.b).toEqual([1]);
  });
});

describe('deepFreeze', () => {
  it('freezes nested objects and arrays and returns its argument', () => {
    const v = { x: [{ y: 1 }], z: 'a' };
    expect(deepFreeze(v)).toBe(v);
    expect(Object.isFrozen(v.x[0])).toBe(true);
    expect(Object.isFrozen(v.x)).toBe(true);
  });
});
