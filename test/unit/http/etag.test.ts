/**
 * The ETag rules of hooks/http/etag.ts: a strong tag of the exact bytes, and RFC 9110 §13.1.2
 * If-None-Match evaluation (weak comparison, lists, `*`), where anything malformed never matches.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { etagOf, ifNoneMatchMatches, parseIfNoneMatch } from '../../../hooks/http/etag';

const TAG = etagOf('{"children":[]}');

describe('etagOf', () => {
  it('is the quoted unpadded base64url SHA-256 of the bytes', () => {
    expect(etagOf('')).toBe('"47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU"');
    const body = '{"status":{"phase":"Running"}}';
    expect(etagOf(body)).toBe(`"${createHash('sha256').update(body).digest('base64url')}"`);
  });

  it('hashes the UTF-8 bytes: a string and its Buffer give the same tag', () => {
    expect(etagOf('é')).toBe(etagOf(Buffer.from('é', 'utf8')));
    expect(etagOf('é')).not.toBe(etagOf(Buffer.from('é', 'latin1')));
  });

  it('is a valid strong entity-tag that differs for any two different bodies', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(etagOf(a)).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
        expect(etagOf(a) === etagOf(b)).toBe(a === b);
      }),
    );
  });
});

describe('parseIfNoneMatch', () => {
  it.each([
    ['*', '*'],
    ['  *  ', '*'],
    ['"a"', ['"a"']],
    ['W/"a"', ['"a"']],
    ['"a", W/"b" ,"c"', ['"a"', '"b"', '"c"']],
    [', ,"a",,', ['"a"']],
    ['""', ['""']],
    ['"a!#~"', ['"a!#~"']],
  ])('%j → %j', (value, expected) => {
    expect(parseIfNoneMatch(value)).toEqual(expected);
  });

  it.each([
    [''],
    ['   '],
    ['a'],
    ['"a'],
    ['"a" "b"'],
    ['"a";q=1'],
    ['w/"a"'],
    ['W/ "a"'],
    ['"a b"'],
    ['"a"b"'],
    ['*, "a"'],
    ['"a", *'],
  ])('%j is malformed (undefined)', (value) => {
    expect(parseIfNoneMatch(value)).toBeUndefined();
  });

  it('reads back any list of tags it could have been sent', () => {
    const opaque = fc.stringMatching(/^[!#-~]*$/).map((s) => `"${s}"`);
    const tag = fc.tuple(fc.boolean(), opaque);
    fc.assert(
      fc.property(
        fc.array(tag, { minLength: 1, maxLength: 5 }),
        fc.constantFrom(',', ', ', ' ,\t'),
        (tags, sep) => {
          const value = tags.map(([weak, t]) => (weak ? `W/${t}` : t)).join(sep);
          expect(parseIfNoneMatch(value)).toEqual(tags.map(([, t]) => t));
        },
      ),
    );
  });
});

describe('ifNoneMatchMatches', () => {
  it.each([
    ['the same tag', TAG, true],
    ['the tag marked weak (If-None-Match compares weakly)', `W/${TAG}`, true],
    ['a list holding the tag', `"other", ${TAG}`, true],
    ['*', '*', true],
    ['another tag', '"other"', false],
    ['the tag without quotes', TAG.slice(1, -1), false],
    ['the tag in another case', TAG.toUpperCase(), TAG.toUpperCase() === TAG],
    ['a malformed list that contains the tag', `${TAG} junk`, false],
    ['an empty value', '', false],
  ])('%s: %j → %s', (_what, header, expected) => {
    expect(ifNoneMatchMatches(header, TAG)).toBe(expected);
  });

  it('no header never matches', () => {
    expect(ifNoneMatchMatches(undefined, TAG)).toBe(false);
  });

  it('a weak current tag matches its strong form too', () => {
    expect(ifNoneMatchMatches('"x"', 'W/"x"')).toBe(true);
  });
});
