import fc from 'fast-check';

/**
 * Strings of any code points, lone surrogates included: the values `fc.string({ unit: 'binary' })`
 * generates, without its first-use cost (about 12 s on two cores, paid again by every test file that
 * uses it, and by every mutant in `npm run mutate`).
 */
export const anyString = (constraints: { minLength?: number; maxLength?: number } = {}) =>
  fc.string({ ...constraints, unit: fc.nat({ max: 0x10ffff }).map((c) => String.fromCodePoint(c)) });
