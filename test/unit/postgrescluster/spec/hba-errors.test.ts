/**
 * `hbaErrors` on its own (hooks/postgrescluster/spec/hba/policy.ts): which parts of a spec it judges
 * and which it leaves to the schema and the CRD's rules, each at its edge.
 */
import { describe, expect, it } from '@jest/globals';
import { hbaErrors } from '../../../../hooks/postgrescluster/spec/hba/policy.js';

const WEAK = 'host all all all md5';
const message =
  'method md5 on a host line accepts MD5 password hashes, weaker than SCRAM: list it in spec.pgHbaAllowInsecure to allow it';

describe('hbaErrors', () => {
  it('names each refused line by its index, with the reason', () => {
    const spec = { version: '16', pgHba: ['local all all trust', WEAK, 'host all all all trust'] };
    expect(hbaErrors(spec)).toEqual([
      { path: 'spec.pgHba[1]', message },
      {
        path: 'spec.pgHba[2]',
        message:
          'method trust on a host line lets anyone who can reach the port in without a password: list it in spec.pgHbaAllowInsecure to allow it',
      },
    ]);
  });

  it('allows the weak methods spec.pgHbaAllowInsecure lists, ignoring entries that are not strings', () => {
    expect(hbaErrors({ version: '16', pgHba: [WEAK], pgHbaAllowInsecure: [7, 'md5'] })).toEqual([]);
    expect(hbaErrors({ version: '16', pgHba: [WEAK], pgHbaAllowInsecure: [7] })).toHaveLength(1);
    expect(hbaErrors({ version: '16', pgHba: [WEAK], pgHbaAllowInsecure: 'md5' })).toHaveLength(1);
  });

  it.each<[string, unknown]>([
    ['not an object', 'x'],
    ['null', null],
    ['missing', undefined],
    ['a list', [WEAK]],
    ['pgHba not a list', { version: '16', pgHba: WEAK }],
    ['no version', { pgHba: [WEAK] }],
    ['an unsupported version', { version: '12', pgHba: [WEAK] }],
    ['a version that is a number', { version: 16, pgHba: [WEAK] }],
  ])('leaves a spec to the schema when it is %s', (_what, spec) => {
    expect(hbaErrors(spec)).toEqual([]);
  });

  it.each<[string, unknown]>([
    ['not a string', 5],
    ['a list, whose text would pass', [WEAK]],
    ['a line break (the CRD refuses it)', `${WEAK}\nlocal all all trust`],
    ['a carriage return', `${WEAK}\r`],
    ['no connection type first (the CRD refuses it)', 'all all all md5'],
    ['a connection type without a blank after it', 'host'],
  ])('leaves an item to the CRD rules when it has %s', (_what, line) => {
    expect(hbaErrors({ version: '16', pgHba: [line, WEAK] })).toEqual([{ path: 'spec.pgHba[1]', message }]);
  });

  it('takes leading blanks and a tab before the connection type, as the CRD rule does', () => {
    expect(hbaErrors({ version: '16', pgHba: [` \t${WEAK}`] })).toEqual([{ path: 'spec.pgHba[0]', message }]);
  });
});
