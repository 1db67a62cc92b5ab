// What validate.mjs (built-in kinds, `kubernetes-models`) and validate-crds.mjs (the optional
// integrations' custom resources, `@kubernetes-models/*`) share: read objects, load the model class
// of each object's apiVersion and kind, run its upstream schema, report. The packages are ESM only,
// hence node scripts that jest runs as processes.
//
// Input: JSON, one object, an array of objects or a List ({"items": [...]}).
// Output on stdout: JSON [{kind, name, ok, errors}], one entry per object, in input order.
// Exit code: 0 when every object is valid, 1 when one is not, 2 when the input cannot be read.
//
// An object whose apiVersion/kind has no model is reported invalid: a conformance check that skipped
// unknown kinds would pass a typo.
import { readFileSync } from 'node:fs';

/** The model class of exactly this apiVersion and kind from module `specifier`, or undefined. */
async function loadModel(specifier, apiVersion, kind) {
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

async function validateOne(obj, opts) {
  const kind = typeof obj?.kind === 'string' ? obj.kind : '';
  const name = typeof obj?.metadata?.name === 'string' ? obj.metadata.name : '';
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    return { kind, name, ok: false, errors: ['not an object'] };
  }
  const Model = await loadModel(opts.specifier(obj.apiVersion, obj.kind), obj.apiVersion, obj.kind);
  if (!Model) {
    return { kind, name, ok: false, errors: [`${opts.noModel} for ${obj.apiVersion}/${obj.kind}`] };
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

/**
 * Validates the objects of the file named on the command line (or of standard input) and prints the
 * report. `opts.tool` names the script in messages; `opts.specifier(apiVersion, kind)` is the module
 * of the model class, or undefined when the type is not one the script knows; `opts.noModel` starts
 * the error of an object without one.
 */
export async function runModelValidator(opts) {
  let objects;
  try {
    objects = readInput(process.argv[2]);
  } catch (err) {
    process.stderr.write(
      `${opts.tool}: cannot read input: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    process.exit(2);
  }
  const report = [];
  for (const obj of objects) report.push(await validateOne(obj, opts));
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  process.exitCode = report.every((r) => r.ok) ? 0 : 1;
}

/** True when `kind` can be part of a module path (a type name, nothing else). */
export function isKindName(kind) {
  return typeof kind === 'string' && /^[A-Za-z0-9]+$/.test(kind);
}
