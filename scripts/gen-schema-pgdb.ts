/**
 * Derives the PostgresDatabase hook's spec schema (for ajv) and TypeScript types from the CRD, the
 * single source of the schema (STYLE rule 2), with the same node conversion as the PostgresCluster
 * generator (scripts/gen-schema.ts: closed objects, CEL rules kept as annotations for the mirror).
 * That script's paths are fixed to its own CRD, hence this second entry point.
 *
 * Run `npx tsx scripts/gen-schema-pgdb.ts` after editing crds/postgresdatabases.yaml, or with
 * `--check` to fail on drift; test/unit/postgresdatabase/spec/drift.test.ts does the same check.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { compile } from 'json-schema-to-typescript';
import { format, resolveConfig } from 'prettier';
import { parse } from 'yaml';
import { KUBECTL_YAML } from '../hooks/lib/kubectl-yaml.js';
import { convert } from './gen-schema';

const ROOT = resolve(__dirname, '..');
export const CRD_PATH = join(ROOT, 'crds', 'postgresdatabases.yaml');
export const OUT_DIR = join(ROOT, 'hooks', 'postgresdatabase', 'generated');
const BANNER =
  'generated – do not edit: run `npx tsx scripts/gen-schema-pgdb.ts` (source: crds/postgresdatabases.yaml)';

type Node = Record<string, unknown>;

/** The ajv schema of `spec`. */
export function specSchema(crdText: string): Node {
  // Read as kubectl reads it when it applies the CRD: the API server holds that schema.
  const crd = parse(crdText, KUBECTL_YAML) as {
    spec: { versions: { name: string; schema: { openAPIV3Schema: { properties: { spec: Node } } } }[] };
  };
  const version = crd.spec.versions.find((v) => v.name === 'v1alpha1');
  if (!version) throw new Error('CRD has no v1alpha1 version');
  return {
    $comment: BANNER,
    title: 'PostgresDatabaseSpec',
    ...convert(version.schema.openAPIV3Schema.properties.spec),
  };
}

async function pretty(text: string, filepath: string): Promise<string> {
  const config = (await resolveConfig(filepath)) ?? {};
  return format(text, { ...config, filepath });
}

/** The generated files by name, formatted with the repository's prettier settings. */
export async function generate(crdText: string): Promise<Record<string, string>> {
  const schema = specSchema(crdText);
  const types = await compile(schema, 'PostgresDatabaseSpec', {
    bannerComment: `/* ${BANNER} */`,
    additionalProperties: false,
    ignoreMinAndMaxItems: true,
    unknownAny: true,
    format: false,
  });
  return {
    'spec.schema.json': await pretty(JSON.stringify(schema), join(OUT_DIR, 'spec.schema.json')),
    'spec.types.ts': await pretty(types, join(OUT_DIR, 'spec.types.ts')),
  };
}

async function main(): Promise<void> {
  const files = Object.entries(await generate(readFileSync(CRD_PATH, 'utf8')));
  if (process.argv.includes('--check')) {
    const stale = files.filter(([name, text]) => readFileSync(join(OUT_DIR, name), 'utf8') !== text);
    if (stale.length > 0) {
      console.error(
        `out of date, run npx tsx scripts/gen-schema-pgdb.ts: ${stale.map(([n]) => n).join(', ')}`,
      );
      process.exitCode = 1;
    }
    return;
  }
  for (const [name, text] of files) writeFileSync(join(OUT_DIR, name), text);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
