/**
 * The checks of `spec.pgHba`: every line must parse as the server of `spec.version` parses it
 * (./parse.ts), and pgmeta refuses some lines the server would take, each for a stated reason:
 *
 * - weak methods on TCP lines (`trust`, `password`, `md5`, `ident`) unless `spec.pgHbaAllowInsecure`
 *   names them. Every TCP line counts, loopback and `samehost` included: a pod's loopback is shared
 *   by all its containers, and `samehost` also matches the pod IP, reachable from other pods;
 * - `@file` tokens: they name files in the database container that pgmeta does not manage;
 * - a line ending in a backslash: from 14 on the server joins it with the next line, which is
 *   pgmeta's or another of the user's (and an upgrade from 13 would change the meaning);
 * - control characters (the CRD already refuses line breaks);
 * - a `/` token before 16 (a literal name there, a regular expression after a major upgrade), and
 *   from 16 on a regular expression outside the characters on which PostgreSQL and JavaScript agree
 *   about what compiles;
 * - a host name that is not a DNS name (the server takes any non-numeric text, such as `10.0.0.256`,
 *   as a host name that then never matches).
 */
import { childPath, type FieldError } from '../../../lib/field-errors.js';
import { SUPPORTED_MAJORS, type PgMajor } from '../resolved.js';
import { isDnsName, type Method } from './options.js';
import { parseHbaLine, type HbaRule } from './parse.js';
import { tokenizeHbaLine } from './tokens.js';

/** The methods that need `spec.pgHbaAllowInsecure` on TCP lines, with why. */
export const WEAK_METHODS: Readonly<Partial<Record<Method, string>>> = {
  trust: 'lets anyone who can reach the port in without a password',
  password: 'sends the password in clear text',
  md5: 'accepts MD5 password hashes, weaker than SCRAM',
  ident: "trusts the client host's ident server, which any pod can run",
};

/** Letters, digits, `_`, `.`, `-`, anchors, alternation, groups and the quantifiers `* + ?`. */
const REGEX_SUBSET = /^[A-Za-z0-9_.^$|()*+?-]*$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
/** The rules of the CRD's CEL for each item; lines that fail them are reported there only. */
const CEL_SHAPE = /^[ \t]*(local|host|hostssl|hostnossl|hostgssenc|hostnogssenc)[ \t]/;

/** The policy problem of a line's raw text, before parsing. */
function textError(line: string, major: PgMajor): string | undefined {
  if (CONTROL.test(line)) return 'must not contain control characters';
  if (line.endsWith('\\'))
    return 'must not end with a backslash: from PostgreSQL 14 on it continues the rule on the next line';
  const fields = tokenizeHbaLine(line);
  if (fields.flat().some((t) => t.file))
    return 'must not include files (@name): they are not part of the cluster spec';
  const regexes = fields
    .slice(1, 3)
    .flat()
    .filter((t) => t.text.startsWith('/'));
  if (regexes.length > 0 && Number(major) < 16)
    return `a name starting with / is a regular expression from PostgreSQL 16 on; on ${major} it would be a literal name`;
  const outside = regexes.find((t) => !REGEX_SUBSET.test(t.text.slice(1)));
  if (outside !== undefined)
    return `regular expression "${outside.text.slice(1)}" may use only letters, digits, _ . - ^ $ | ( ) * + ?`;
  return undefined;
}

/** The policy problem of a parsed rule. */
function ruleError(rule: HbaRule, allowed: readonly unknown[]): string | undefined {
  const address = rule.address;
  if (address?.kind === 'hostname') {
    // Digits and dots or a colon: meant as an address, which the server would take as a name.
    if (/^[0-9.]+$|:/.test(address.text)) return `"${address.text}" is not a valid IP address`;
    if (!isDnsName(address.text)) return `"${address.text}" is not a valid host name`;
  }
  const why = WEAK_METHODS[rule.method];
  if (rule.type !== 'local' && why !== undefined && !allowed.includes(rule.method)) {
    return `method ${rule.method} on a ${rule.type} line ${why}: list it in spec.pgHbaAllowInsecure to allow it`;
  }
  return undefined;
}

/** The error of one line for a major, if any: the server's refusal first, then pgmeta's policy. */
export function hbaLineError(line: string, major: PgMajor, allowed: readonly unknown[]): string | undefined {
  const policy = textError(line, major);
  if (policy !== undefined) return policy;
  const parsed = parseHbaLine(line, major);
  if (!parsed.ok) return `PostgreSQL ${major} would refuse it: ${parsed.reason}`;
  return ruleError(parsed.rule, allowed);
}

const isMajor = (v: unknown): v is PgMajor => (SUPPORTED_MAJORS as readonly unknown[]).includes(v);

/** The errors of `spec.pgHba` (defaults applied); wrongly typed parts are left to the schema. */
export function hbaErrors(spec: unknown): FieldError[] {
  // Reading a field of a string or a number gives undefined, like a missing one; null and undefined
  // have no fields at all.
  const fields = spec as Readonly<Record<string, unknown>> | null | undefined;
  const lines = fields?.['pgHba'];
  const major = fields?.['version'];
  const allowInsecure = fields?.['pgHbaAllowInsecure'];
  if (!Array.isArray(lines) || !isMajor(major)) return [];
  const allowed: readonly unknown[] = Array.isArray(allowInsecure) ? allowInsecure : [];
  return lines.flatMap((line: unknown, i) => {
    if (typeof line !== 'string' || /[\n\r]/.test(line) || !CEL_SHAPE.test(line)) return [];
    const message = hbaLineError(line, major, allowed);
    return message === undefined ? [] : [{ path: childPath('spec.pgHba', i), message }];
  });
}
