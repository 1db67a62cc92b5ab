/**
 * Quoting of user strings for PostgreSQL and psql. Every name in a PostgresDatabase spec reaches the
 * server only through these functions, so their correctness is the script's safety.
 *
 * The generated scripts set `standard_conforming_strings = on` in every session, so a literal needs
 * only its quotes doubled (backslashes are ordinary characters). NUL cannot be represented in a
 * PostgreSQL string at all and is refused, as are ill-formed UTF-16 strings (lone surrogates), which
 * would silently become U+FFFD on the way to UTF-8 and name a different object.
 * @see https://www.postgresql.org/docs/current/sql-syntax-lexical.html
 */

/** NAMEDATALEN - 1: longer identifiers are silently truncated by the server. */
export const MAX_IDENTIFIER_BYTES = 63;

/** Thrown for a string that cannot be sent safely; validation rejects such specs first. */
export class UnsafeSqlText extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeSqlText';
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why `s` cannot be sent as SQL text, or undefined when it can. */
export function sqlTextProblem(s: string): string | undefined {
  if (s.includes('\0')) return 'contains a NUL character';
  if (LONE_SURROGATE.test(s)) return 'is not well-formed Unicode (lone surrogate)';
  return undefined;
}

/** Why `s` is not usable as a PostgreSQL identifier, or undefined when it is. */
export function identifierProblem(s: string): string | undefined {
  if (s.length === 0) return 'must not be empty';
  const text = sqlTextProblem(s);
  if (text) return text;
  // Stryker disable next-line StringLiteral: Buffer.byteLength reads an empty encoding as utf8, the default
  if (Buffer.byteLength(s, 'utf8') > MAX_IDENTIFIER_BYTES) {
    return `must be at most ${MAX_IDENTIFIER_BYTES} bytes in UTF-8 (PostgreSQL truncates longer names)`;
  }
  return undefined;
}

/**
 * An identifier, always double-quoted: equivalent to `quote_ident` (which quotes only when needed)
 * without needing the server's keyword list, and it keeps the case exactly as written.
 */
export function quoteIdent(name: string): string {
  const problem = identifierProblem(name);
  if (problem) throw new UnsafeSqlText(`identifier ${JSON.stringify(name)} ${problem}`);
  return `"${name.replaceAll('"', '""')}"`;
}

/** A string literal for a session with `standard_conforming_strings = on` (`quote_literal`). */
export function quoteLiteral(value: string): string {
  const problem = sqlTextProblem(value);
  if (problem) throw new UnsafeSqlText(`literal ${JSON.stringify(value)} ${problem}`);
  return `'${value.replaceAll("'", "''")}'`;
}

/** `ARRAY['a', 'b']::text[]`, or an empty text array. */
export function textArray(values: readonly string[]): string {
  return `ARRAY[${values.map(quoteLiteral).join(', ')}]::text[]`;
}

/**
 * The argument of psql's `\connect` that names exactly this database. Three layers, innermost first:
 * - a libpq conninfo string `dbname='...'` (`\` and `'` backslash-escaped): a plain database argument
 *   would not do, psql reads one that contains `=` or starts with `postgresql://` as a conninfo;
 * - the whole in double quotes with `"` doubled: psql dequotes `\connect` arguments like identifiers
 *   (`"` starts a quoted section, `""` is one quote), after the single quotes are processed;
 * - a single-quoted meta-command argument (`'` doubled, `\` doubled).
 * @see https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING-KEYWORD-VALUE
 * @see https://www.postgresql.org/docs/current/app-psql.html (Meta-Commands: quoting of arguments)
 */
export function psqlConnectArg(database: string): string {
  const problem = identifierProblem(database) ?? controlCharProblem(database);
  if (problem) throw new UnsafeSqlText(`database ${JSON.stringify(database)} ${problem}`);
  const conninfo = `dbname='${database.replace(/[\\']/g, (c) => `\\${c}`)}'`;
  const dequoted = `"${conninfo.replaceAll('"', '""')}"`;
  return `'${dequoted.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
}

/** psql reads a meta-command up to the end of its line, so its arguments cannot hold line breaks. */
function controlCharProblem(s: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  return /[\x00-\x1f\x7f]/.test(s) ? 'contains a control character' : undefined;
}
