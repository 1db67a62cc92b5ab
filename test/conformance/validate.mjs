#!/usr/bin/env node
// Validates Kubernetes objects against the upstream Kubernetes OpenAPI schemas, through the model
// classes of `kubernetes-models` (ESM only, hence a separate node script that jest runs as a process).
//
//   node test/conformance/validate.mjs [FILE]      (no FILE: read standard input)
//
// Input: JSON, one object, an array of objects or a List ({"items": [...]}).
// Output on stdout: JSON [{kind, name, ok, errors}], one entry per object, in input order.
// Exit code: 0 when every object is valid, 1 when one is not, 2 when the input cannot be read.
//
// An object whose apiVersion/kind has no model is reported invalid: a conformance check that skipped
// unknown kinds would pass a typo.
import { readFileSync } from 'node:fs';

/** `apps/v1` → `kubernetes-models/apps/v1/<Kind>`; core `v1` → `kubernetes-models/v1/<Kind>`. */
function modelSpecifier(apiVersion, kind) {
  const ok = typeof apiVersion === 'string' && typeof kind === 'string' && /^[A-Za-z0-9]+$/.test(kind);
  if (!ok || !/^([a-z0-9.-]+\/)?v[0-9a-z]+$/.test(apiVersion)) return undefined;
  return `kubernetes-models/${apiVersion}/${kind}`;
}

async function loadModel(apiVersion, kind) {
  const specifier = modelSpecifier(apiVersion, kind);
  if (specifier === undefined) return undefined;
  try {
    const mod = await import(specifier);
    const Model = mod[kind];
    // The class must describe exactly this type, not a similarly named one.
    if (typeof Model !== 'function' || Model.apiVersion !== apiVersion || Model.kind !== kind)
      return undefined;
    return Model;
  } catch {
    return undefined;
  }
}

function describeErrors(err) {
  const list = Array.isArray(err?.errors) ? err.errors : undefined;
  if (!list) return [String(err?.message ?? err)];
  return list.map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`);
}

async function validateOne(obj) {
  const kind = typeof obj?.kind === 'string' ? obj.kind : '';
  const name = typeof obj?.metadata?.name === 'string' ? obj.metadata.name : '';
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    return { kind, name, ok: false, errors: ['not an object'] };
  }
  const Model = await loadModel(obj.apiVersion, obj.kind);
  if (!Model) {
    return { kind, name, ok: false, errors: [`no Kubernetes schema for ${obj.apiVersion}/${obj.kind}`] };
  }
  try {
    // The constructor copies the object as given; validate() runs the upstream schema.
    new Model(obj).validate();
    return { kind, name, ok: true, errors: [] };
  } catch (err) {
    return { kind, name, ok: false, errors: describeErrors(err) };
  }
}

function readInput(path) {
  const text = readFileSync(path ?? 0, 'utf8');
  const parsed = JSON.parse(text);
  if (Array.isArray(parsed)) return parsed;
  if (parsed && typeof parsed === 'object' && Array.isArray(parsed.items)) return parsed.items;
  return [parsed];
}

async function main() {
  let objects;
  try {
    objects = readInput(process.argv[2]);
  } catch (err) {
    process.stderr.write(
      `validate: cannot read input: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    process.exit(2);
  }
  const report = [];
  for (const obj of objects) report.push(await validateOne(obj));
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  process.exitCode = report.every((r) => r.ok) ? 0 : 1;
}

await main();
