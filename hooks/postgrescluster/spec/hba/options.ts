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
 * PostgreSQL's `SplitGUCList` on a comma list (src/backend/utils/adt/varlena.c): items bare or in
 * double quotes ("" for a quote), blanks around them; undefined when an item is empty or a quote
 * unclosed. A bare item runs to a blank or a comma, so it may hold quotes and any other character;
 * blanks are the scanner's (src/backend/parser/scansup.c `scanner_isspace`), not every Unicode space.
 * A vertical tab is a blank to 17 and 18 but part of an item to 13–16 (seen on the real servers when
 * this was written); hba/policy.ts refuses control characters in a line first, so that difference
 * never matters here.
 */
export function splitGucList(value: string): string[] | undefined {
  const items: string[] = [];
  let rest = value.replace(/^[ \t\n\v\f\r]+/, '');
  if (rest === '') return items;
  for (;;) {
    const quoted = /^"((?:[^"]|"")*)"/.exec(rest);
    // A quote starts a quoted item, so a bare one never starts with it.
    const m = quoted ?? /^([^ \t\n\v\f\r,"][^ \t\n\v\f\r,]*)/.exec(rest);
    if (m?.[1] === undefined || m[1] === '') return undefined;
    items.push(quoted === null ? m[1] : m[1].replaceAll('""', '"'));
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

/** The methods `map` belongs to (13–17; 18 adds oauth). */
const MAP_METHODS: readonly Method[] = ['ident', 'peer', 'gss', 'sspi', 'cert'];

/** The methods each option belongs to (13–17; 18 adds oauth, below). */
const OPTION_METHODS: Readonly<Record<string, readonly Method[]>> = {
  map: MAP_METHODS,
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
  if (name === 'map' && oauth) return [...MAP_METHODS, 'oauth'];
  return Object.hasOwn(OPTION_METHODS, name) ? OPTION_METHODS[name] : undefined;
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
  // Stryker disable next-line StringLiteral: no fallback text is an ldap URL with a path
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
  const count = (n: string): number | undefined => {
    const value = seen.get(n);
    // Stryker disable next-line OptionalChaining: optionError has refused a value that is not a list
    return value === undefined ? undefined : splitGucList(value)?.length;
  };
  const servers = count('radiusservers');
  const secrets = count('radiussecrets');
  if (!servers) return 'radius needs radiusservers';
  if (!secrets) return 'radius needs radiussecrets';
  for (const n of ['radiussecrets', 'radiusports', 'radiusidentifiers']) {
    const c = count(n);
    // An empty list means the default (port 1812, identifier "postgresql"); an empty radiussecrets
    // was refused above.
    if (c !== undefined && c !== 0 && c !== 1 && c !== servers)
      return `${n} must have one item or as many as radiusservers`;
  }
  return undefined;
}
