/**
 * Derives the PostgresDatabase hook's spec validator and types from the CRD, the single source of
 * the schema (STYLE rule 2). Run `npx tsx scripts/gen-schema-pgdb.ts` after editing
 * crds/postgresdatabases.yaml; test/unit/postgresdatabase/spec/drift.test.ts fails when the
 * committed output is stale.
 *
 * Written separately from the PostgresCluster generator, which was not there yet; both do the same
 * two things: keep only `spec`, drop the `x-kubernetes-*` keywords ajv does not know (their meaning
 * is mirrored in TypeScript by hooks/postgresdatabase/spec/validate.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { compile } from 'json-schema-to-typescript';
import { format, resolveConfig } from 'prettier';
import { parse } from 'yaml';

const ROOT = resolve(__dirname, '..');
export const CRD_PATH = join(ROOT, 'crds', 'postgresdatabases.yaml');
export const OUT_DIR = join(ROOT, 'hooks', 'postgresdatabase', 'generated');

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** The openAPIV3Schema of `spec`, without Kubernetes extensions. */
export function specSchema(crdText: string): Json {
  const crd = parse(crdText) as {
    spec: { versions: { name: string; schema: { openAPIV3Schema: { properties: { spec: Json } } } }[] };
  };
  const version = crd.spec.versions.find((v) => v.name === 'v1alpha1');
  if (!version) throw new Error('CRD has no v1alpha1 version');
  return stripExtensions(version.schema.openAPIV3Schema.properties.spec);
}

function stripExtensions(node: Json): Json {
  if (Array.isArray(node)) return node.map(stripExtensions);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([k]) => !k.startsWith('x-kubernetes-'))
      .map(([k, v]) => [k, stripExtensions(v)]),
  );
}

const BANNER =
  '/* generated – do not edit: npx tsx scripts/gen-schema-pgdb.ts (source: crds/postgresdatabases.yaml) */';

/** The two generated files, by name. */
export async function generate(crdText: string): Promise<Record<string, string>> {
  const schema = specSchema(crdText);
  const types = await compile(schema as never, 'PostgresDatabaseSpec', {
    additionalProperties: false,
    bannerComment: BANNER,
    format: false,
    ignoreMinAndMaxItems: true,
  });
  // Formatted with the repository's own prettier settings, so `prettier --check` passes on the output.
  const config = (await resolveConfig(join(OUT_DIR, 'spec.types.ts'))) ?? {};
  return {
    'spec.schema.json': await format(JSON.stringify(schema), { ...config, parser: 'json' }),
    'spec.types.ts': await format(types, { ...config, parser: 'typescript' }),
  };
}

async function main(): Promise<void> {
  const files = await generate(readFileSync(CRD_PATH, 'utf8'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(OUT_DIR, name), text);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
