/**
 * pgmeta's verdict on every pg_hba line that test/realpg compares with the real servers (hba-cases.ts:
 * the listed lines and the seeded address, tokenizer and regular-expression lines), for every major,
 * kept in a golden file: one line of text per hba line: the refusal with its reason, or the rule as parsed (fields, quoted names,
 * address family and text, method, options). The realpg tests prove that pgmeta accepts exactly what
 * each server accepts and reads addresses as it does; this golden keeps those verdicts, and the reasons
 * users see, in the fast suite, so that a changed guard in hooks/postgrescluster/spec/hba/ fails here
 * by name (mutation testing relies on it).
 *
 *   UPDATE_GOLDEN=1 npx jest test/golden/hba   # rewrite, then review the diff
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parseHbaLine, type HbaRule } from '../../../hooks/postgrescluster/spec/hba/parse.js';
import { hbaLineError, WEAK_METHODS } from '../../../hooks/postgrescluster/spec/hba/policy.js';
import type { HbaToken } from '../../../hooks/postgrescluster/spec/hba/tokens.js';
import { SUPPORTED_MAJORS, type PgMajor } from '../../../hooks/postgrescluster/spec/resolved.js';
import { addressLines, COMPARED, POLICY, subsetRegexLines, tokenizerLines } from '../../realpg/hba-cases.js';
import { updatingGolden } from '../../support/golden.js';

/** Weak methods allowed, as in the realpg comparison: the verdict is the server's (or pgmeta's policy). */
const ALL_WEAK = Object.keys(WEAK_METHODS);

const tokens = (list: HbaToken[]): string =>
  list.map((t) => (t.quoted ? JSON.stringify(t.text) : t.text) + (t.file ? ' (file)' : '')).join(',');

function address(rule: HbaRule): string[] {
  const a = rule.address;
  if (a === undefined) return [];
  if (a.kind === 'ip') return [`${a.family} ${a.text}`];
  return [a.kind === 'hostname' ? `hostname ${a.text}` : a.kind];
}

/** One line's verdict on one major: the refusal, or the parsed rule in one line of text. */
function verdict(line: string, major: PgMajor): string {
  const error = hbaLineError(line, major, ALL_WEAK);
  // Messages name the major; written as <major> so that majors that agree share one entry.
  if (error !== undefined) {
    const text = error.replace(`PostgreSQL ${major} would`, 'PostgreSQL <major> would');
    return `refused: ${text.replace(`on ${major} it`, 'on <major> it')}`;
  }
  const parsed = parseHbaLine(line, major);
  if (!parsed.ok) return `parse refused but no error: ${parsed.reason}`;
  const r = parsed.rule;
  const parts = [r.type, tokens(r.databases), tokens(r.users), ...address(r), r.method];
  return [...parts, ...r.options.map(([k, v]) => `${k}=${v}`)].join(' | ');
}

/** The verdicts of a line: one text when every major agrees, else the majors (space-separated) of each. */
function verdicts(line: string, majors: readonly PgMajor[]): string | Record<string, string> {
  const byText = new Map<string, PgMajor[]>();
  for (const m of majors) {
    const text = verdict(line, m);
    byText.set(text, [...(byText.get(text) ?? []), m]);
  }
  if (byText.size === 1) return [...byText.keys()][0]!;
  return Object.fromEntries([...byText].map(([text, ms]) => [ms.join(' '), text]));
}

/**
 * Each set of lines, on the majors the realpg tests judge it on. Addresses and the tokenizer do not
 * depend on the major, nor does which regular expression compiles (the compared lines cover what
 * does), so they are kept for the newest only:
 * every mutant of the parser reruns this file.
 */
const NEWEST = SUPPORTED_MAJORS.slice(-1);
const SETS: Record<string, [() => readonly string[], readonly PgMajor[]]> = {
  compared: [() => COMPARED, SUPPORTED_MAJORS],
  policy: [() => POLICY, SUPPORTED_MAJORS],
  addresses: [addressLines, NEWEST],
  tokenizer: [tokenizerLines, NEWEST],
  'regular-expressions': [subsetRegexLines, NEWEST],
};

/** One golden line per hba line, `"<line>" → <verdict>` in JSON: quick to read back, one diff line per change. */
const row = (line: string, verdict: unknown): string =>
  `${JSON.stringify(line)} → ${JSON.stringify(verdict)}`;

const fileOf = (set: string): string => join(__dirname, `${set}.txt`);
const rowsOf = (set: string): string[] => {
  const [lines, majors] = SETS[set]!;
  return lines().map((line) => row(line, verdicts(line, majors)));
};
function goldenRows(set: string): string[] {
  const file = fileOf(set);
  if (!existsSync(file)) throw new Error(`${file} does not exist: run with UPDATE_GOLDEN=1, then review it`);
  return readFileSync(file, 'utf8').split('\n').slice(0, -1);
}

describe('pg_hba verdicts of the lines compared with the real servers', () => {
  it.each(Object.keys(SETS))('%s', (set) => {
    if (updatingGolden()) writeFileSync(fileOf(set), `${rowsOf(set).join('\n')}\n`);
    else expect(rowsOf(set)).toEqual(goldenRows(set));
  });
});

/**
 * The listed lines once more, one test each: mutation testing then reruns, for a changed guard, only
 * the lines that reach it (a test covering the whole set would run for every mutant).
 */
describe.each(['compared', 'policy'])('each %s line', (set) => {
  const [lines, majors] = SETS[set]!;
  const expected = new Map<string, string>();
  it.each([...lines()])('%j', (line) => {
    if (updatingGolden()) return;
    if (expected.size === 0) for (const r of goldenRows(set)) expected.set(r.slice(0, r.indexOf(' → ')), r);
    expect(row(line, verdicts(line, majors))).toBe(expected.get(JSON.stringify(line)));
  });
});
