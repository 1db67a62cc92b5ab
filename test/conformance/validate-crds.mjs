#!/usr/bin/env node
// Validates objects of the optional integrations' custom resources (cert-manager, KEDA, Prometheus
// Operator) against their upstream CRD schemas, through the model classes of the
// @kubernetes-models packages, as validate.mjs does for the built-in kinds. Input, output and exit
// codes: see model-validator.mjs.
//
//   node test/conformance/validate-crds.mjs [FILE]      (no FILE: read standard input)
import { isKindName, runModelValidator } from './model-validator.mjs';

/** The package that carries the models of each API group. */
const PACKAGES = {
  'cert-manager.io': '@kubernetes-models/cert-manager',
  'keda.sh': '@kubernetes-models/keda',
  'monitoring.coreos.com': '@kubernetes-models/prometheus-operator',
};

/** `keda.sh/v1alpha1` → `@kubernetes-models/keda/keda.sh/v1alpha1/<Kind>`; other groups have none. */
function modelSpecifier(apiVersion, kind) {
  if (!isKindName(kind) || typeof apiVersion !== 'string') return undefined;
  const pkg = PACKAGES[apiVersion.split('/')[0]];
  if (pkg === undefined || !/^[a-z0-9.-]+\/v[0-9a-z]+$/.test(apiVersion)) return undefined;
  return `${pkg}/${apiVersion}/${kind}`;
}

await runModelValidator({ tool: 'validate-crds', specifier: modelSpecifier, noModel: 'no schema' });
