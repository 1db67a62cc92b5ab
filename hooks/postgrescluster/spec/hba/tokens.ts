/**
 * The pg_hba.conf tokenizer, as PostgreSQL's server reads one line (PostgreSQL
 * src/backend/libpq/hba.c `next_token` and `next_field_expand`, unchanged in 13–18):
 *
 * - blanks are space, tab and carriage return; an unquoted `#` ends the line;
 * - a token ends at an unquoted blank or comma; double quotes may surround any part of it, and two
 *   double quotes inside quotes stand for one; an unterminated quote runs to the end of the line;
 * - tokens joined by commas form one field (a list); blanks or commas before a token are skipped,
 *   so `a, b` is one field but `a ,b` two;
 * - an unquoted token that starts with `@` (and is longer than that) names a file to include.
 *
 * Pure: no file is read here; a `@file` token is reported as such and refused by the caller.
 */

/** One token, dequoted; `quoted` when its first character was a double quote (keywords then lose their meaning). */
export interface HbaToken {
  text: string;
  quoted: boolean;
  /** An unquoted `@name`: the server would read `name` as a file of further tokens. */
  file: boolean;
}

/** The fields of a line, each a list of tokens. */
export type HbaFields = HbaToken[][];

const isBlank = (c: string): boolean => c === ' ' || c === '\t' || c === '\r';

interface Scan {
  line: string;
  pos: number;
}

interface TokenState {
  text: string;
  inQuote: boolean;
  wasQuote: boolean;
  sawQuote: boolean;
  initialQuote: boolean;
}

type Boundary = 'blank' | 'comment' | 'comma';

/** What a character does to the token being read: ends it (blank), ends the line (#), or ends the list item. */
function boundary(c: string, inQuote: boolean): Boundary | undefined {
  if (inQuote) return undefined;
  // Stryker disable next-line StringLiteral: 'blank' is only told apart from undefined, as any string would be
  if (isBlank(c)) return 'blank';
  if (c === '#') return 'comment';
  return c === ',' ? 'comma' : undefined;
}

/** Adds one character inside a token: quotes toggle quoting and are dropped, except a doubled one inside quotes. */
function addChar(st: TokenState, c: string): void {
  if (c !== '"' || st.wasQuote) st.text += c;
  st.wasQuote = st.inQuote && c === '"' ? !st.wasQuote : false;
  if (c !== '"') return;
  st.inQuote = !st.inQuote;
  st.sawQuote = true;
  if (st.text === '') st.initialQuote = true;
}

/** Moves past the blanks and commas before a token. */
function skipSeparators(scan: Scan): void {
  // Past the end charAt gives '', which is neither, so the loop stops there.
  for (let c = scan.line.charAt(scan.pos); isBlank(c) || c === ','; c = scan.line.charAt(scan.pos))
    scan.pos++;
}

/** One token from `scan.pos`, or undefined at the end of the line; `comma` when a comma ended it. */
function nextToken(scan: Scan): { token: HbaToken; comma: boolean } | undefined {
  const { line } = scan;
  skipSeparators(scan);
  const st: TokenState = { text: '', inQuote: false, wasQuote: false, sawQuote: false, initialQuote: false };
  let stop: Boundary | undefined;
  for (; scan.pos < line.length; scan.pos++) {
    stop = boundary(line.charAt(scan.pos), st.inQuote);
    if (stop !== undefined) break;
    addChar(st, line.charAt(scan.pos));
  }
  if (stop === 'comment') scan.pos = line.length;
  if (!st.sawQuote && st.text === '') return undefined;
  const file = !st.initialQuote && st.text.length > 1 && st.text.startsWith('@');
  return { token: { text: st.text, quoted: st.initialQuote, file }, comma: stop === 'comma' };
}

/** Splits one pg_hba line into its fields, as the server does before it interprets them. */
export function tokenizeHbaLine(line: string): HbaFields {
  const scan: Scan = { line, pos: 0 };
  const fields: HbaFields = [];
  while (scan.pos < line.length) {
    const field: HbaToken[] = [];
    for (;;) {
      const next = nextToken(scan);
      if (next === undefined) break;
      field.push(next.token);
      if (!next.comma) break;
    }
    if (field.length > 0) fields.push(field);
  }
  return fields;
}

/** Whether a token is the unquoted keyword `word` (a quoted `"all"` is a name). */
export function isKeyword(token: HbaToken, word: string): boolean {
  return !token.quoted && token.text === word;
}
