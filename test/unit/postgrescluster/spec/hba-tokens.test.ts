/**
 * The pg_hba tokenizer (hooks/postgrescluster/spec/hba/tokens.ts), one rule of the server's
 * `next_token` / `next_field_expand` (PostgreSQL src/backend/libpq/hba.c) per case. The golden file
 * test/golden/hba holds whole lines to the real servers' verdicts.
 */
import { describe, expect, it } from '@jest/globals';
import { isKeyword, tokenizeHbaLine } from '../../../../hooks/postgrescluster/spec/hba/tokens.js';

/** The fields of a line as lists of token texts. */
const texts = (line: string): string[][] => tokenizeHbaLine(line).map((f) => f.map((t) => t.text));

describe('tokenizeHbaLine', () => {
  it.each<[string, string[][]]>([
    ['local all all trust', [['local'], ['all'], ['all'], ['trust']]],
    ['local\tall\rall  trust', [['local'], ['all'], ['all'], ['trust']]],
    ['local all all trust\r', [['local'], ['all'], ['all'], ['trust']]],
    ['  local all', [['local'], ['all']]],
    ['host a, b', [['host'], ['a', 'b']]],
    ['host a ,b', [['host'], ['a'], ['b']]],
    ['host a,,b', [['host'], ['a', 'b']]],
    ['host a,', [['host'], ['a']]],
    ['host a, # note', [['host'], ['a']]],
    ['host a#note', [['host'], ['a']]],
    ['# only a comment', []],
    ['host "a#b" "c d"', [['host'], ['a#b'], ['c d']]],
    ['host "a,b",c', [['host'], ['a,b', 'c']]],
    ['host "a""b"', [['host'], ['a"b']]],
    ['host a"b c"d', [['host'], ['ab cd']]],
    ['host "unterminated here', [['host'], ['unterminated here']]],
    ['host ""', [['host'], ['']]],
    ['', []],
    [' \t\r', []],
  ])('%j', (line, fields) => {
    expect(texts(line)).toEqual(fields);
  });

  it('marks a token quoted only when its first character is a quote', () => {
    expect(tokenizeHbaLine('"all" a"ll"').flat()).toEqual([
      { text: 'all', quoted: true, file: false },
      { text: 'all', quoted: false, file: false },
    ]);
  });

  it('reads an unquoted @name as a file to include, but not @ alone or a quoted "@name"', () => {
    expect(tokenizeHbaLine('@users @ "@users"').flat()).toEqual([
      { text: '@users', quoted: false, file: true },
      { text: '@', quoted: false, file: false },
      { text: '@users', quoted: true, file: false },
    ]);
  });
});

describe('isKeyword', () => {
  it('is the unquoted word only', () => {
    const tokens = tokenizeHbaLine('all "all" alls').flat();
    expect(tokens.map((t) => isKeyword(t, 'all'))).toEqual([true, false, false]);
  });
});
