#!/usr/bin/env node
// Validates Kubernetes objects against the upstream Kubernetes OpenAPI schemas, through the model
// classes of `kubernetes-models`. Input, output and exit codes: see model-validator.mjs.
//
//   node test/conformance/validate.mjs [FILE]      (no FILE: read standard input)
import { isKindName, runModelValidator } from './model-validator.mjs';

/** `apps/v1` → `kubernetes-models/apps/v1/<Kind>`; core `v1` → `kubernetes-models/v1/<Kind>`. */
function modelSpecifier(apiVersion, kind) {
  if (!isKindName(kind) || typeof apiVersion !== 'string') return undefined;
  if (!/^([a-z0-9.-]+\/)?v[0-9a-z]+$/.test(apiVersion)) return undefined;
  return `kubernetes-models/${apiVersion}/${kind}`;
}

await runModelValidator({ tool: 'validate', specifier: modelSpecifier, noModel: 'no Kubernetes schema' });
