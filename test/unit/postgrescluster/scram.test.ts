/**
 * The hook's SCRAM verifiers (issue 15, finding 5): PostgreSQL's format, deterministic from the
 * operator key and purpose, and no verifier where pgmeta would have to reimplement SASLprep.
 * That the server accepts them and logins work is proven on real servers (test/realpg/passwords.test.ts).
 */
import { describe, expect, it } from '@jest/globals';
import { passwordToSend, scramSalt, scramVerifier } from '../../../hooks/postgrescluster/scram.js';

const KEY = new Uint8Array(32).fill(9);

describe('scramVerifier', () => {
  it("has PostgreSQL's format: 4096 iterations, 16-byte salt, 32-byte keys, base64", () => {
    expect(scramVerifier('pencil', scramSalt(KEY, 'uid/app'))).toMatch(
      /^SCRAM-SHA-256\$4096:[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=:[A-Za-z0-9+/]{43}=$/,
    );
  });

  it('is the same for the same key, purpose and password, and differs otherwise', () => {
    const v = (key: Uint8Array, purpose: string, pw: string): string | undefined =>
      scramVerifier(pw, scramSalt(key, purpose));
    expect(v(KEY, 'a', 'pw')).toBe(v(KEY, 'a', 'pw'));
    expect(v(KEY, 'b', 'pw')).not.toBe(v(KEY, 'a', 'pw'));
    expect(v(new Uint8Array(32).fill(1), 'a', 'pw')).not.toBe(v(KEY, 'a', 'pw'));
    expect(v(KEY, 'a', 'pw2')).not.toBe(v(KEY, 'a', 'pw'));
  });

  it('never contains the password', () => {
    const pw = 'Ba2IIR762ETYf4CQS4_K1w-SsZ5IZsQbVZA45ZdpNKY';
    expect(passwordToSend({ operatorKey: KEY, purpose: 'p', password: pw })).not.toContain(pw);
  });

  it('leaves a password that is not ASCII to the server (SASLprep is not reimplemented)', () => {
    expect(scramVerifier('pässwörd', scramSalt(KEY, 'p'))).toBeUndefined();
    expect(passwordToSend({ operatorKey: KEY, purpose: 'p', password: 'pässwörd' })).toBe('pässwörd');
  });
});
