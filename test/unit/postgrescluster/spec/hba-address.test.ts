/**
 * Numeric addresses as the server reads them in pg_hba.conf (hooks/postgrescluster/spec/hba/address.ts),
 * each form at its edge: glibc's inet_aton parts and their limits, inet_pton's IPv6 groups, and CIDR
 * lengths read as strtol reads them. test/realpg/hba-address.test.ts holds the forms to the real servers.
 */
import { describe, expect, it } from '@jest/globals';
import {
  isCidrBits,
  isInetAton,
  isIpv6,
  numericFamily,
} from '../../../../hooks/postgrescluster/spec/hba/address.js';

describe('isInetAton', () => {
  it.each<[string, boolean]>([
    ['10.0.0.1', true],
    ['255.255.255.255', true],
    ['256.0.0.0', false],
    ['10.0.0.256', false],
    ['10', true],
    ['4294967295', true],
    ['4294967296', false],
    ['10.16777215', true],
    ['10.16777216', false],
    ['10.0.65535', true],
    ['10.0.65536', false],
    ['0x0a.0.0.1', true],
    ['0xA.0XfF.0.1', true],
    ['0x.0.0.1', false],
    ['0xg.0.0.1', false],
    ['0x1g.0.0.1', false],
    ['10x1.0.0.1', false],
    ['10.0.0.x', false],
    ['10.0.0.0x', false],
    ['012.0.0.1', true],
    ['08.0.0.1', false],
    ['0', true],
    ['00', true],
    ['1.2.3.4.5', false],
    ['1..2', false],
    ['1.2.', false],
    ['', false],
    ['-1.0.0.0', false],
    ['1a.0.0.0', false],
    [' 1.2.3.4', false],
  ])('%j: %s', (text, ok) => {
    expect(isInetAton(text)).toBe(ok);
  });
});

describe('isIpv6', () => {
  it.each<[string, boolean]>([
    ['::', true],
    ['::1', true],
    ['fe80::1', true],
    ['1:2:3:4:5:6:7:8', true],
    ['1:2:3:4:5:6:7', false],
    ['1:2:3:4:5:6:7:8:9', false],
    ['1:2:3:4:5:6:7::', true],
    ['1:2:3:4:5:6:7:8::', false],
    ['1::2::3', false],
    ['12345::', false],
    ['g::', false],
    ['::ffff:10.0.0.1', true],
    ['1:2:3:4:5:6:10.0.0.1', true],
    ['1:2:3:4:5:6:7:10.0.0.1', false],
    ['::10.0.0.256', false],
    ['::01.2.3.4', false],
    ['10.0.0.1', false],
    ['1:2', false],
    ['', false],
    [':1::', false],
  ])('%j: %s', (text, ok) => {
    expect(isIpv6(text)).toBe(ok);
  });
});

describe('numericFamily', () => {
  it.each<[string, string | undefined]>([
    ['10.0.0.1', 'ipv4'],
    ['10', 'ipv4'],
    ['::1', 'ipv6'],
    ['db.example.com', undefined],
    ['10.0.0.256', undefined],
  ])('%j: %s', (text, family) => {
    expect(numericFamily(text)).toBe(family);
  });
});

describe('isCidrBits', () => {
  it.each<[string, 'ipv4' | 'ipv6', boolean]>([
    ['0', 'ipv4', true],
    ['32', 'ipv4', true],
    ['33', 'ipv4', false],
    ['128', 'ipv6', true],
    ['129', 'ipv6', false],
    ['33', 'ipv6', true],
    ['+8', 'ipv4', true],
    [' \t8', 'ipv4', true],
    ['\v\f\r\n8', 'ipv4', true],
    ['V8', 'ipv4', false],
    ['-0', 'ipv4', true],
    ['-1', 'ipv4', false],
    ['8x', 'ipv4', false],
    ['8 ', 'ipv4', false],
    ['', 'ipv4', false],
    ['+', 'ipv4', false],
  ])('%j for %s: %s', (bits, family, ok) => {
    expect(isCidrBits(bits, family)).toBe(ok);
  });
});
