/**
 * Regenerates `hooks/postgrescluster/spec/params/pgNN.json`: what the hook needs to validate
 * `spec.postgresqlParams` against each supported PostgreSQL major, taken from the real server.
 *
 * For every major (the embedded binaries in node_modules/pgNN):
 * 1. `postgres --describe-config` lists the settings a configuration file may contain, with their
 *    type, context and range;
 * 2. a temporary server (initdb + postgres as an unprivileged user on 127.0.0.1, stopped afterwards)
 *    gives what describe-config lacks, from `pg_settings`: units and enum values;
 * 3. the same server is asked, with `ALTER SYSTEM SET` (which parses and checks a value like the
 *    configuration file does, for any context, without applying it), which undocumented spellings
 *    each enum accepts: most take the boolean words (`synchronous_commit = true`), some keep old names
 *    (`wal_level = hot_standby`, which Spilo itself writes). pg_settings hides those.
 *
 * The two sources must agree on names and types, or the script fails. Output: one compact JSON file
 * per major, keys sorted, one setting per line (reviewable diffs).
 *
 * Run: `npx tsx scripts/gen-pg-params.ts` (about a minute). Commit the output.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Client } from 'pg';
import { PG_MAJORS, pgBin, startServer, withTempCluster, type Major } from '../test/support/pgbin.js';
import type { ParamData, ParamSpec } from '../hooks/postgrescluster/spec/params.js';

const OUT_DIR = resolve(__dirname, '..', 'hooks', 'postgrescluster', 'spec', 'params');

/** Spellings PostgreSQL accepts for some enums without listing them (hidden entries of guc_tables.c). */
const HIDDEN_CANDIDATES = [
  'on',
  'off',
  'true',
  'false',
  'yes',
  'no',
  '1',
  '0',
  'debug',
  'archive',
  'hot_standby',
];

const VARTYPES: Readonly<Record<string, ParamSpec['type']>> = {
  BOOLEAN: 'bool',
  INTEGER: 'integer',
  REAL: 'real',
  STRING: 'string',
  ENUM: 'enum',
};

interface Described {
  name: string;
  context: string;
  type: ParamSpec['type'];
}

/** `postgres --describe-config`: tab-separated name, context, group, type, default, min, max, ... */
function describeConfig(major: Major): Described[] {
  const out = execFileSync(join(pgBin(major), 'postgres'), ['--describe-config'], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [name = '', context = '', , vartype = ''] = line.split('\t');
      const type = VARTYPES[vartype];
      if (type === undefined) throw new Error(`pg${major}: unknown type ${vartype} for ${name}`);
      return { name, context, type };
    });
}

interface SettingRow {
  name: string;
  vartype: ParamSpec['type'];
  unit: string | null;
  min_val: string | null;
  max_val: string | null;
  enumvals: string[] | null;
  context: string;
}

/**
 * pg_settings prints real bounds with `%g` (six digits); the only bound that loses precision that way
 * is DBL_MAX, which reads back as slightly less and would reject values PostgreSQL accepts.
 */
function bound(text: string | null): number | undefined {
  if (text === null) return undefined;
  if (text === '1.79769e+308') return Number.MAX_VALUE;
  if (text === '-1.79769e+308') return -Number.MAX_VALUE;
  const n = Number(text);
  if (!Number.isFinite(n)) throw new Error(`unexpected bound ${text}`);
  return n;
}

async function hiddenEnumValues(client: Client, row: SettingRow): Promise<string[]> {
  const listed = new Set((row.enumvals ?? []).map((v) => v.toLowerCase()));
  const hidden: string[] = [];
  for (const candidate of HIDDEN_CANDIDATES.filter((c) => !listed.has(c))) {
    try {
      // Names and values come from pg_settings and a fixed list: no quoting issue.
      await client.query(`ALTER SYSTEM SET ${row.name} = '${candidate}'`);
      hidden.push(candidate);
    } catch {
      // rejected: not an accepted spelling (or the setting cannot be changed at all)
    }
  }
  return hidden;
}

async function toSpec(client: Client, row: SettingRow): Promise<ParamSpec> {
  const spec: ParamSpec = { type: row.vartype, context: row.context };
  if (row.unit !== null) spec.unit = row.unit;
  const min = bound(row.min_val);
  const max = bound(row.max_val);
  if (min !== undefined && (row.vartype === 'integer' || row.vartype === 'real')) spec.min = min;
  if (max !== undefined && (row.vartype === 'integer' || row.vartype === 'real')) spec.max = max;
  if (row.vartype === 'enum') {
    spec.values = row.enumvals ?? [];
    const hidden = row.context === 'internal' ? [] : await hiddenEnumValues(client, row);
    if (hidden.length > 0) spec.hidden = hidden;
  }
  return spec;
}

async function fromServer(
  major: Major,
): Promise<{ server: string; rows: SettingRow[]; specs: Map<string, ParamSpec> }> {
  return withTempCluster(major, async (dataDir) => {
    const server = await startServer(major, { dataDir });
    const client = await server.connect();
    try {
      const version = await client.query<{ server_version: string }>('SHOW server_version');
      const { rows } = await client.query<SettingRow>(
        'SELECT name, vartype, unit, min_val, max_val, enumvals, context FROM pg_settings ORDER BY name',
      );
      const specs = new Map<string, ParamSpec>();
      for (const row of rows) specs.set(row.name, await toSpec(client, row));
      await client.query('ALTER SYSTEM RESET ALL');
      return { server: version.rows[0]?.server_version ?? '', rows, specs };
    } finally {
      await client.end();
      await server.stop();
    }
  });
}

/** Every setting a configuration file may name, described by the server. */
async function collect(major: Major): Promise<ParamData> {
  const described = describeConfig(major);
  const { server, specs } = await fromServer(major);
  for (const d of described) {
    const spec = specs.get(d.name);
    if (spec === undefined)
      throw new Error(`pg${major}: ${d.name} is in --describe-config but not in pg_settings`);
    if (spec.type !== d.type) throw new Error(`pg${major}: ${d.name} is ${d.type} or ${spec.type}?`);
  }
  const params = Object.fromEntries([...specs.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
  return { major, server, params };
}

/** Compact and diff-friendly: one setting per line, keys in a fixed order. */
export function serialize(data: ParamData): string {
  const lines = Object.entries(data.params).map(
    ([name, spec]) => `    ${JSON.stringify(name)}: ${JSON.stringify(spec)}`,
  );
  return `{\n  "major": ${JSON.stringify(data.major)},\n  "server": ${JSON.stringify(data.server)},\n  "params": {\n${lines.join(',\n')}\n  }\n}\n`;
}

async function main(): Promise<void> {
  const only = process.argv.slice(2).filter((a): a is Major => (PG_MAJORS as readonly string[]).includes(a));
  for (const major of only.length > 0 ? only : PG_MAJORS) {
    const data = await collect(major);
    writeFileSync(join(OUT_DIR, `pg${major}.json`), serialize(data));
    console.log(`pg${major}.json: PostgreSQL ${data.server}, ${Object.keys(data.params).length} settings`);
  }
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
