/**
 * The `name=value` options after a pg_hba method, and the checks the server makes on the whole
 * set (PostgreSQL src/backend/libpq/hba.c `parse_hba_auth_opt`, and the end of `parse_hba_line`).
 * Differences between majors are noted where they apply; the test against the real servers 13–18
 * (test/realpg/hba.test.ts) holds these to the truth.
 */
import type { PgMajor } from '../resolved.js';
import { numericFamily } from './address.js';

export type Method =
  | 'trust'
  | 'reject'
  | 'scram-sha-256'
  | 'md5'
  | 'password'
  | 'gss'
  | 'sspi'
  | 'ident'
  | 'peer'
  | 'ldap'
  | 'radius'
  | 'cert'
  | 'pam'
  | 'bsd'
  | 'oauth';

export interface OptionContext {
  major: PgMajor;
  method: Method;
  hostssl: boolean;
}

/** What the options of a line set, for the checks across options. */
type Seen = Map<string, string>;

/** C `atoi`: leading blanks, a sign and digits; 0 when there are none. */
function atoi(value: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?[0-9]+)/.exec(value);
  return m === null ? 0 : Number(m[1]);
}

/**
 * PostgreSQL's `SplitGUCList` on a comma list: items bare (up to a blank or comma) or in double
 * quotes ("" for a quote), blanks around them; undefined when an item is empty or a quote unclosed.
 */
export function splitGucList(value: string): string[] | undefined {
  const items: string[] = [];
  let rest = value.replace(/^[ \t\n\v\f\r]+/, '');
  if (rest === '') return items;
  for (;;) {
    const m = /^"((?:[^"]|"")*)"/.exec(rest) ?? /^([^\s,"]+)/.exec(rest);
    if (m === null || m[1] === '') return undefined;
    items.push((m[1] ?? '').replaceAll('""', '"'));
    rest = rest.slice(m[0].length).replace(/^[ \t\n\v\f\r]+/, '');
    if (rest === '') return items;
    if (!rest.startsWith(',')) return undefined;
    rest = rest.slice(1).replace(/^[ \t\n\v\f\r]+/, '');
  }
}

const LDAP_OPTIONS = [
  'ldapurl',
  'ldaptls',
  'ldapscheme',
  'ldapserver',
  'ldapport',
  'ldapbinddn',
  'ldapbindpasswd',
  'ldapsearchattribute',
  'ldapsearchfilter',
  'ldapbasedn',
  'ldapprefix',
  'ldapsuffix',
];
const RADIUS_OPTIONS = ['radiusservers', 'radiusports', 'radiussecrets', 'radiusidentifiers'];
/** Options of the oauth method, which exists from 18 on. */
const OAUTH_OPTIONS = ['issuer', 'scope', 'validator', 'delegate_ident_mapping'];

/** The methods each option belongs to (13–17; 18 adds oauth, below). */
const OPTION_METHODS: Readonly<Record<string, readonly Method[]>> = {
  map: ['ident', 'peer', 'gss', 'sspi', 'cert'],
  pamservice: ['pam'],
  pam_use_hostname: ['pam'],
  krb_realm: ['gss', 'sspi'],
  include_realm: ['gss', 'sspi'],
  compat_realm: ['sspi'],
  upn_username: ['sspi'],
  ...Object.fromEntries(LDAP_OPTIONS.map((o) => [o, ['ldap'] as const])),
  ...Object.fromEntries(RADIUS_OPTIONS.map((o) => [o, ['radius'] as const])),
};

/** The methods an option belongs to, by major; undefined for a name the major does not know. */
function methodsOf(name: string, major: PgMajor): readonly Method[] | undefined {
  const oauth = Number(major) >= 18;
  if (OAUTH_OPTIONS.includes(name)) return oauth ? ['oauth'] : undefined;
  const methods = Object.hasOwn(OPTION_METHODS, name) ? OPTION_METHODS[name] : undefined;
  return name === 'map' && oauth && methods !== undefined ? [...methods, 'oauth'] : methods;
}

type CertLevel = 'off' | 'ca' | 'full';

/** The verification a clientcert value asks for: verify-ca, verify-full, and on 13 also 1, 0 and no-verify. */
function clientcertLevel(value: string, major: PgMajor): CertLevel | undefined {
  const legacy: Readonly<Record<string, CertLevel>> =
    major === '13' ? { '0': 'off', 'no-verify': 'off', '1': 'ca' } : {};
  if (value === 'verify-full') return 'full';
  if (value === 'verify-ca') return 'ca';
  return Object.hasOwn(legacy, value) ? legacy[value] : undefined;
}

function clientcertError(ctx: OptionContext, value: string): string | undefined {
  const level = clientcertLevel(value, ctx.major);
  if (level === undefined) return `clientcert must be verify-ca or verify-full, not "${value}"`;
  // 13 refuses only "off" with cert; 14 and newer also verify-ca.
  const tooWeak = level === 'off' || (level === 'ca' && ctx.major !== '13');
  return ctx.method === 'cert' && tooWeak
    ? 'clientcert must be verify-full with cert authentication'
    : undefined;
}

/** The error of a RADIUS list option's value. */
function radiusValueError(name: string, value: string): string | undefined {
  const items = splitGucList(value);
  if (items === undefined) return `${name} must be a comma-separated list`;
  if (name === 'radiusports' && items.some((p) => atoi(p) === 0)) return 'radiusports must be port numbers';
  // The server resolves each name when it reads the file and refuses the file when one does not.
  if (name === 'radiusservers' && items.some((s) => numericFamily(s) === undefined && !isDnsName(s)))
    return 'radiusservers must be IP addresses or DNS names';
  return undefined;
}

/** The error of one option's value, if any (the option belongs to the method). */
function valueError(name: string, value: string): string | undefined {
  if (name === 'ldapport' && atoi(value) === 0) return `ldapport must be a port number, not "${value}"`;
  if (name === 'ldapurl' && !/^ldaps?:\/\/\S*$/i.test(value))
    return 'ldapurl must be an ldap:// or ldaps:// URL';
  return RADIUS_OPTIONS.includes(name) ? radiusValueError(name, value) : undefined;
}

/** A DNS name (or a `.suffix` to match the end of one), as pgmeta accepts for host names. */
export function isDnsName(text: string): boolean {
  const label = '[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?';
  return text.length <= 253 && new RegExp(`^\\.?${label}(\\.${label})*\\.?$`).test(text);
}

/** The error of one `name=value` option on a line of `ctx`, if any. */
export function optionError(
  ctx: OptionContext,
  [name, value]: [string, string],
  seen: Seen,
): string | undefined {
  if (name === 'clientcert' || (name === 'clientname' && ctx.major !== '13')) {
    if (!ctx.hostssl) return `${name} is only for hostssl lines`;
    if (name === 'clientname')
      return value === 'CN' || value === 'DN' ? undefined : 'clientname must be CN or DN';
    return clientcertError(ctx, value);
  }
  const methods = methodsOf(name, ctx.major);
  if (methods === undefined) return `unknown option "${name}"`;
  if (!methods.includes(ctx.method)) return `option ${name} is only for ${methods.join(', ')}`;
  seen.set(name, value);
  return valueError(name, value);
}

/** The checks across the options of a line (required options, options that exclude each other). */
export function optionSetError(ctx: OptionContext, seen: Seen): string | undefined {
  if (ctx.method === 'ldap') return ldapSetError(seen);
  if (ctx.method === 'radius') return radiusSetError(seen);
  if (ctx.method === 'oauth')
    return 'oauth needs a validator library (oauth_validator_libraries), which the image does not provide';
  return undefined;
}

function ldapSetError(seen: Seen): string | undefined {
  const has = (n: string): boolean => seen.has(n);
  // An ldapurl with a path sets the base DN (OpenLDAP's ldap_url_parse).
  const urlBase = /^ldaps?:\/\/[^/]*\/[^?]+/i.test(seen.get('ldapurl') ?? '');
  const search = ['ldapbasedn', 'ldapbinddn', 'ldapbindpasswd', 'ldapsearchattribute', 'ldapsearchfilter'];
  if (has('ldapprefix') || has('ldapsuffix')) {
    if (urlBase || search.some(has))
      return 'ldap cannot mix simple bind (ldapprefix, ldapsuffix) and search+bind options';
  } else if (!has('ldapbasedn') && !urlBase) {
    return 'ldap needs ldapbasedn, ldapprefix or ldapsuffix';
  }
  if (has('ldapsearchattribute') && has('ldapsearchfilter'))
    return 'ldap cannot use ldapsearchattribute together with ldapsearchfilter';
  return undefined;
}

function radiusSetError(seen: Seen): string | undefined {
  const count = (n: string): number | undefined =>
    seen.has(n) ? (splitGucList(seen.get(n) ?? '') ?? []).length : undefined;
  const servers = count('radiusservers');
  const secrets = count('radiussecrets');
  if (!servers) return 'radius needs radiusservers';
  if (!secrets) return 'radius needs radiussecrets';
  for (const n of ['radiussecrets', 'radiusports', 'radiusidentifiers']) {
    const c = count(n);
    if (c !== undefined && c !== 1 && c !== servers && !(c === 0 && n !== 'radiussecrets'))
      return `${n} must have one item or as many as radiusservers`;
  }
  return undefined;
}
