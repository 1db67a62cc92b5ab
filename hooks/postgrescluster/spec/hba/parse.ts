/**
 * One pg_hba.conf line, parsed as PostgreSQL's server parses it (src/backend/libpq/hba.c
 * `parse_hba_line`, majors 13–18): connection type, database list, user list, address (not for
 * `local`), method, options. The result is either the rule or the reason the server would refuse
 * the line, in which case the whole file is refused and the server does not start.
 *
 * The server is taken as Spilo builds it: PostgreSQL from the PGDG packages (Spilo 4.0-p3
 * postgres-appliance/build_scripts/base.sh) with OpenSSL, GSSAPI, LDAP and PAM, on Linux (so no
 * `sspi`, no `bsd`), and with `ssl = on` (Spilo's configure_spilo.py template), so `hostssl` lines
 * can match.
 */
import type { PgMajor } from '../resolved.js';
import { isCidrBits, numericFamily, type Family } from './address.js';
import { optionError, optionSetError, type Method } from './options.js';
import { isKeyword, tokenizeHbaLine, type HbaToken } from './tokens.js';

export type ConnectionType = 'local' | 'host' | 'hostssl' | 'hostnossl' | 'hostgssenc' | 'hostnogssenc';
export type { Method } from './options.js';

/** Where a TCP rule matches: a keyword, a numeric range, or a host name (looked up per connection). */
export type HbaAddress =
  | { kind: 'all' | 'samehost' | 'samenet' }
  | { kind: 'ip'; family: Family; text: string }
  | { kind: 'hostname'; text: string };

export interface HbaRule {
  type: ConnectionType;
  databases: HbaToken[];
  users: HbaToken[];
  /** Absent for `local`. */
  address?: HbaAddress;
  method: Method;
  options: [string, string][];
}

export type HbaParse = { ok: true; rule: HbaRule } | { ok: false; reason: string };

const TYPES: readonly string[] = ['local', 'host', 'hostssl', 'hostnossl', 'hostgssenc', 'hostnogssenc'];
const METHODS: readonly string[] = [
  'trust',
  'reject',
  'scram-sha-256',
  'md5',
  'password',
  'gss',
  'sspi',
  'ident',
  'peer',
  'ldap',
  'radius',
  'cert',
  'pam',
  'bsd',
  'oauth',
];
/** Methods the server of the image cannot run: SSPI is Windows only, BSD Authentication OpenBSD only. */
const NOT_BUILT: readonly string[] = ['sspi', 'bsd'];

class Refusal extends Error {}
const refuse = (reason: string): never => {
  throw new Refusal(reason);
};

/** The single token of a field that takes one value. */
function single(field: HbaToken[] | undefined, what: string, missing: string): HbaToken {
  if (field === undefined) return refuse(`ends before the ${missing}`);
  if (field.length > 1) return refuse(`has more than one ${what}`);
  // Stryker disable next-line StringLiteral: the tokenizer never makes an empty field, so this message is never seen
  return field[0] ?? refuse(`has no ${what}`);
}

/** The address field(s) from `fields[i]`; returns the address and how many fields it used. */
function parseAddress(fields: HbaToken[][], i: number): [HbaAddress, number] {
  const token = single(fields[i], 'address', 'address');
  for (const kind of ['all', 'samehost', 'samenet'] as const)
    if (isKeyword(token, kind)) return [{ kind }, 1];
  const slash = token.text.indexOf('/');
  const host = slash === -1 ? token.text : token.text.slice(0, slash);
  const family = numericFamily(host);
  if (family === undefined) {
    if (slash !== -1) refuse(`"${token.text}" is a host name with a CIDR mask`);
    return [{ kind: 'hostname', text: host }, 1];
  }
  if (slash !== -1) {
    if (!isCidrBits(token.text.slice(slash + 1), family)) refuse(`"${token.text}" has an invalid CIDR mask`);
    return [{ kind: 'ip', family, text: token.text }, 1];
  }
  const mask = single(fields[i + 1], 'netmask', 'netmask (write the address as a CIDR range, or add a mask)');
  const maskFamily = numericFamily(mask.text);
  if (maskFamily === undefined) refuse(`"${mask.text}" is not an IP mask`);
  if (maskFamily !== family) refuse('the IP address and the mask are of different families');
  return [{ kind: 'ip', family, text: `${host} ${mask.text}` }, 2];
}

/** A database or user list; from 16 on a token starting with `/` is a regular expression the server compiles. */
function nameList(field: HbaToken[], major: PgMajor): HbaToken[] {
  if (Number(major) >= 16) {
    for (const token of field) {
      if (token.text.startsWith('/') && !compiles(token.text.slice(1)))
        refuse(`"${token.text.slice(1)}" is not a valid regular expression`);
    }
  }
  return field;
}

/**
 * Whether a regular expression compiles. JavaScript's syntax is not PostgreSQL's (Spencer's ARE),
 * so pgmeta accepts only a subset of characters (hba/policy.ts `REGEX_SUBSET`) in which both agree on
 * what compiles (test/realpg/hba.test.ts checks seeded patterns against the server).
 */
function compiles(pattern: string): boolean {
  try {
    // Stryker disable next-line StringLiteral: over policy.ts REGEX_SUBSET, the only patterns hbaLineError lets through, both modes compile alike
    new RegExp(pattern, 'u');
  } catch {
    return false;
  }
  return true;
}

function methodOf(token: HbaToken, major: PgMajor): Method {
  const name = token.text;
  if (!METHODS.includes(name) || (name === 'oauth' && Number(major) < 18))
    refuse(`"${name}" is not an authentication method`);
  if (NOT_BUILT.includes(name)) refuse(`method ${name} is not available on Linux`);
  return name as Method;
}

/** The method of a line, checked against its connection type. */
function parseMethod(token: HbaToken, type: ConnectionType, major: PgMajor): Method {
  const name = methodOf(token, major);
  // The server reads `ident` on the Unix socket as `peer`.
  const method = type === 'local' && name === 'ident' ? 'peer' : name;
  if (type === 'local' && method === 'gss') refuse('gss does not work on local (Unix socket) lines');
  if (type !== 'local' && method === 'peer') refuse('peer works only on local (Unix socket) lines');
  if (type !== 'hostssl' && method === 'cert') refuse('cert works only on hostssl lines');
  return method;
}

function parseOptions(fields: HbaToken[][], ctx: Parameters<typeof optionError>[0]): [string, string][] {
  const seen = new Map<string, string>();
  const options: [string, string][] = [];
  for (const token of fields.flat()) {
    const eq = token.text.indexOf('=');
    if (eq < 0) refuse(`option "${token.text}" is not name=value`);
    const [name, value] = [token.text.slice(0, eq), token.text.slice(eq + 1)];
    const error = optionError(ctx, [name, value], seen);
    if (error !== undefined) refuse(error);
    options.push([name, value]);
  }
  const error = optionSetError(ctx, seen);
  if (error !== undefined) refuse(error);
  return options;
}

function parseFields(fields: HbaToken[][], major: PgMajor): HbaRule {
  const typeToken = single(fields[0], 'connection type', 'connection type');
  if (!TYPES.includes(typeToken.text)) refuse(`"${typeToken.text}" is not a connection type`);
  const type = typeToken.text as ConnectionType;
  const databases = nameList(fields[1] ?? refuse('ends before the database'), major);
  const users = nameList(fields[2] ?? refuse('ends before the user'), major);
  let next = 3;
  let address: HbaAddress | undefined;
  if (type !== 'local') {
    const [parsed, used] = parseAddress(fields, next);
    address = parsed;
    next += used;
  }
  const method = parseMethod(single(fields[next], 'method', 'authentication method'), type, major);
  const options = parseOptions(fields.slice(next + 1), { major, method, hostssl: type === 'hostssl' });
  return { type, databases, users, ...(address === undefined ? {} : { address }), method, options };
}

/** Parses one pg_hba line for a major, as the server would; the reason when it would refuse it. */
export function parseHbaLine(line: string, major: PgMajor): HbaParse {
  try {
    return { ok: true, rule: parseFields(tokenizeHbaLine(line), major) };
  } catch (e) {
    if (e instanceof Refusal) return { ok: false, reason: e.message };
    throw e;
  }
}
