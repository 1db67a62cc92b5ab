import fc from 'fast-check';
import {
  identifierProblem,
  psqlConnectArg,
  quoteIdent,
  quoteLiteral,
  sqlTextProblem,
  textArray,
  UnsafeSqlText,
} from '../../../../hooks/postgresdatabase/sql/quote';
import { anyString } from '../../../support/code-points';

describe('quoteIdent', () => {
  it.each([
    ['app', '"app"'],
    ['App', '"App"'],
    ['a"b', '"a""b"'],
    ['""', '""""""'],
    ["it's", '"it\'s"'],
    ['select', '"select"'],
    ['a;b', '"a;b"'],
    ['é😀', '"é😀"'],
    ['x'.repeat(63), `"${'x'.repeat(63)}"`],
  ])('%j → %s', (name, quoted) => {
    expect(quoteIdent(name)).toBe(quoted);
  });

  it.each([[''], ['x'.repeat(64)], ['é'.repeat(32)], ['a\0b'], ['\ud800']])('refuses %j', (name) => {
    expect(() => quoteIdent(name)).toThrow(UnsafeSqlText);
  });

  it('reading the quoted form back gives the name (any name it accepts)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }), (name) => {
        fc.pre(identifierProblem(name) === undefined);
        const q = quoteIdent(name);
        expect(q.startsWith('"') && q.endsWith('"')).toBe(true);
        expect(q.slice(1, -1).replaceAll('""', '"')).toBe(name);
        // No lone quote inside: the identifier cannot end early.
        expect(q.slice(1, -1).replaceAll('""', '')).not.toContain('"');
      }),
    );
  });
});

describe('quoteLiteral', () => {
  it.each([
    ['', "''"],
    ["it's", "'it''s'"],
    ['back\\slash', "'back\\slash'"],
    ["''", "''''''"],
    ['$$ :x', "'$$ :x'"],
  ])('%j → %s', (value, quoted) => {
    expect(quoteLiteral(value)).toBe(quoted);
  });

  it.each([['a\0'], ['x\udc00']])('refuses %j', (value) => {
    expect(() => quoteLiteral(value)).toThrow(UnsafeSqlText);
  });

  it('never lets a quote end the literal early', () => {
    fc.assert(
      fc.property(anyString(), (value) => {
        fc.pre(sqlTextProblem(value) === undefined);
        const inner = quoteLiteral(value).slice(1, -1);
        expect(inner.replaceAll("''", '')).not.toContain("'");
        expect(inner.replaceAll("''", "'")).toBe(value);
      }),
    );
  });

  it('textArray quotes every element', () => {
    expect(textArray(["a'b", 'c'])).toBe("ARRAY['a''b', 'c']::text[]");
    expect(textArray([])).toBe('ARRAY[]::text[]');
  });
});

describe('identifierProblem', () => {
  it.each([
    ['ok', undefined],
    ['', 'must not be empty'],
    ['a\0', 'contains a NUL character'],
    ['\ud800x', 'is not well-formed Unicode (lone surrogate)'],
    ['é'.repeat(32), 'must be at most 63 bytes in UTF-8 (PostgreSQL truncates longer names)'],
    ['😀'.repeat(15) + 'abc', undefined],
  ])('%j: %s', (name, problem) => {
    expect(identifierProblem(name)).toBe(problem);
  });
});

describe('psqlConnectArg', () => {
  // Each expected value was checked with psql 15: `\connect <arg>` reaches exactly that database.
  it.each([
    ['shop', `'"dbname=''shop''"'`],
    ["a'b", `'"dbname=''a\\\\''b''"'`],
    ['a"b', `'"dbname=''a""b''"'`],
    ['a\\b', `'"dbname=''a\\\\\\\\b''"'`],
    ['x=y postgresql://h', `'"dbname=''x=y postgresql://h''"'`],
  ])('%j → %s', (db, arg) => {
    expect(psqlConnectArg(db)).toBe(arg);
  });

  it.each([['a\nb'], ['tab\there'], ['']])('refuses %j (psql meta-commands end at a line break)', (db) => {
    expect(() => psqlConnectArg(db)).toThrow(UnsafeSqlText);
  });
});

describe('the refusal', () => {
  // What a user reads in the status: the kind of text, the value, and why.
  it.each<[string, () => string, string]>([
    ['an identifier', () => quoteIdent(''), 'identifier "" must not be empty'],
    ['a literal', () => quoteLiteral('a\0'), 'literal "a\\u0000" contains a NUL character'],
    ['a database', () => psqlConnectArg('a\nb'), 'database "a\\nb" contains a control character'],
  ])('of %s names the value and the problem', (_what, quote, message) => {
    expect(quote).toThrow(message);
  });

  it('is an UnsafeSqlText by name, so logs and errors say which check refused', () => {
    const error = (() => {
      try {
        return quoteIdent('');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(UnsafeSqlText);
    expect((error as Error).name).toBe('UnsafeSqlText');
  });
});
