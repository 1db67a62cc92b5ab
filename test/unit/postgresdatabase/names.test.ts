import fc from 'fast-check';
import { defaultSecretName, jobName } from '../../../hooks/postgresdatabase/names';

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const parentName = fc
  .stringMatching(/^[a-z0-9]([-a-z0-9.]{0,60}[a-z0-9])?$/)
  .filter((s) => DNS_SUBDOMAIN.test(s));

describe('defaultSecretName', () => {
  it.each([
    ['shop', 'app', 'shop-app'],
    ['shop', 'shop_owner', 'shop-shop-owner'],
    ['shop', 'App', 'shop-app-0d04bfeb'],
    ['shop', 'we"ird; name', 'shop-we-ird-name-'],
    ['shop', '😀', 'shop-role-'],
  ])('%s / %j → %s…', (parent, role, prefix) => {
    expect(defaultSecretName(parent, role).startsWith(prefix)).toBe(true);
  });

  it('is a DNS subdomain for any role name, and differs for different names', () => {
    fc.assert(
      fc.property(
        parentName,
        fc.string({ minLength: 1, maxLength: 63 }),
        fc.string({ minLength: 1, maxLength: 63 }),
        (p, a, b) => {
          expect(defaultSecretName(p, a)).toMatch(DNS_SUBDOMAIN);
          if (a !== b && a.replaceAll('_', '-') !== b.replaceAll('_', '-')) {
            expect(defaultSecretName(p, a)).not.toBe(defaultSecretName(p, b));
          }
        },
      ),
    );
  });
});

describe('jobName', () => {
  it('is a DNS subdomain and a label value of at most 63 characters (the job-name pod label)', () => {
    fc.assert(
      fc.property(
        parentName,
        fc.constantFrom<'apply' | 'delete'>('apply', 'delete'),
        fc.stringMatching(/^[0-9a-f]{64}$/),
        (p, action, rev) => {
          const name = jobName(p, action, rev);
          expect(name.length).toBeLessThanOrEqual(63);
          expect(name).toMatch(DNS_SUBDOMAIN);
          expect(name).toMatch(LABEL_VALUE);
          expect(name.endsWith(rev.slice(0, 10))).toBe(true);
        },
      ),
    );
  });
});
