#!/usr/bin/env node
// Validates objects of the optional integrations' custom resources (cert-manager, KEDA, Prometheus
// Operator) against their upstream CRD schemas, through the model classes of the
// @kubernetes-models packages (ESM only, hence a node script that jest runs as a process, like
// validate.mjs for the built-in kinds).
//
//   node test/conformance/validate-crds.mjs [FILE]      (no FILE: read standard input)
//
// Input: JSON, one object or an array. Output on stdout: JSON [{kind, name, ok, errors}] in input
// order. Exit code 0 when every object is valid, 1 when one is not, 2 when the input cannot be read.
// A kind without a model is reported invalid: a check that skipped it would pass a typo.
import { readFileSync } from 'node:fs';

/** The package that carries the models of each API group. */
const PACKAGES = {
  'cert-manager.io': '@kubernetes-models/cert-manager',
  'keda.sh': '@kubernetes-models/keda',
  'monitoring.coreos.com': '@kubernetes-models/prometheus-operator',
};

async function loadModel(apiVersion, kind) {
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || !/^[A-Za-z0-9]+$/.test(kind))
    return undefined;
  const group = apiVersion.split('/')[0];
  const pkg = PACKAGES[group];
  if (pkg === undefined || !/^[a-z0-9.-]+\/v[0-9a-z]+$/.test(apiVersion)) return undefined;
  try {
    const mod = await import(`${pkg}/${apiVersion}/${kind}`);
    const Model = mod[kind];
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
  const Model = await loadModel(obj?.apiVersion, obj?.kind);
  if (!Model) return { kind, name, ok: false, errors: [`no schema for ${obj?.apiVersion}/${obj?.kind}`] };
  try {
    new Model(obj).validate();
    return { kind, name, ok: true, errors: [] };
  } catch (err) {
    return { kind, name, ok: false, errors: describeErrors(err) };
  }
}

let objects;
try {
  const parsed = JSON.parse(readFileSync(process.argv[2] ?? 0, 'utf8'));
  objects = Array.isArray(parsed) ? parsed : [parsed];
} catch (err) {
  process.stderr.write(
    `validate-crds: cannot read input: ${err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exit(2);
}
const report = [];
for (const obj of objects) report.push(await validateOne(obj));
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
process.exitCode = report.every((r) => r.ok) ? 0 : 1;
