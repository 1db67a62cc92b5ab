/**
 * A small argument parser with kubectl's conventions: `--flag value`, `--flag=value`, short `-n ns`,
 * boolean flags, and everything after `--` passed through untouched (`psql CLUSTER -- -c 'select 1'`).
 * Each command declares which flags take a value, so `-f` can mean a file for `render` and follow
 * for `logs`, as it does in kubectl.
 */
export interface FlagSpec {
  /** Flags that take a value, long and short spellings alike (`--namespace`, `-n`). */
  values: readonly string[];
  /** Flags that take none. */
  booleans: readonly string[];
}

export interface Parsed {
  positionals: string[];
  flags: Map<string, string | true>;
  /** After `--`. */
  passthrough: string[];
}

export class UsageError extends Error {}

/** Reads the flag at argv[i] into `out`; returns the index of the last argument it consumed. */
function readFlag(argv: readonly string[], i: number, o: { spec: FlagSpec; out: Parsed }): number {
  const a = argv[i] ?? '';
  const eq = a.indexOf('=');
  const name = eq > 0 ? a.slice(0, eq) : a;
  if (o.spec.booleans.includes(name)) {
    if (eq > 0) throw new UsageError(`${name} takes no value`);
    o.out.flags.set(name, true);
    return i;
  }
  if (!o.spec.values.includes(name)) throw new UsageError(`unknown flag ${name}`);
  const value = eq > 0 ? a.slice(eq + 1) : argv[i + 1];
  if (value === undefined) throw new UsageError(`${name} needs a value`);
  o.out.flags.set(name, value);
  return eq > 0 ? i : i + 1;
}

export function parseArgs(argv: readonly string[], spec: FlagSpec): Parsed {
  const out: Parsed = { positionals: [], flags: new Map(), passthrough: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--') {
      out.passthrough = argv.slice(i + 1);
      break;
    }
    if (!a.startsWith('-') || a === '-') out.positionals.push(a);
    else i = readFlag(argv, i, { spec, out });
  }
  return out;
}

/** The value of the first of `names` that is set. */
export function flagValue(p: Parsed, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = p.flags.get(n);
    if (typeof v === 'string') return v;
  }
  return undefined;
}

export function hasFlag(p: Parsed, ...names: string[]): boolean {
  return names.some((n) => p.flags.get(n) === true);
}

/** `--timeout 5m`, `90s`, `2m30s`, or plain seconds; kubectl's duration syntax. */
export function parseDuration(text: string): number {
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let total = 0;
  let consumed = 0;
  for (const m of text.matchAll(re)) {
    const n = Number(m[1]);
    total += n * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
    consumed += m[0].length;
  }
  if (consumed !== text.length || consumed === 0)
    throw new UsageError(`invalid duration ${JSON.stringify(text)} (examples: 90s, 5m, 1h)`);
  return total;
}
