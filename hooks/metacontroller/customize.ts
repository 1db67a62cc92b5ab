/**
 * Checks a customize response against what Metacontroller v4.17.2 accepts; a bad rule fails every
 * sync of the parent, so it is refused here (500, with the reason) instead:
 * - only the keys of v1alpha1 `RelatedResourceRule` (pkg/apis/metacontroller/v1alpha1/types.go),
 *   because a v2 hook's answer is decoded strictly and an unknown key fails the call
 *   (pkg/hooks/webhook.go `webhookExecutor.Call`);
 * - `names`, when present, lists at least one name: an empty list is the same as no list, and a rule
 *   with a namespace and no names selects every object of the type there
 *   (pkg/controller/common/customize/manager.go `determineSelectionType`);
 * - the combinations `determineSelectionType` refuses.
 */
import { sanitize } from '../lib/sanitize.js';
import { HookError } from './errors.js';
import { isObject } from './response.js';
import type { CustomizeResponse, RelatedResourceRule } from './types.js';

export function checkCustomize(response: unknown): CustomizeResponse {
  if (!isObject(response) || !Array.isArray(response['relatedResources'])) {
    throw new HookError('InvalidResponse', 'customize must return relatedResources');
  }
  const rules = response['relatedResources'].map((r: unknown, i) => checkRule(r, i));
  return { relatedResources: rules };
}

const RULE_KEYS = new Set([
  'apiVersion',
  'resource',
  'labelSelector',
  'namespaceSelector',
  'namespace',
  'names',
]);
const SELECTOR_KEYS = new Set(['matchLabels', 'matchExpressions']);

/** Keys that strict decoding would refuse, as paths. */
function unknownKeys(rule: Record<string, unknown>, i: number): string[] {
  const out = Object.keys(rule)
    .filter((k) => !RULE_KEYS.has(k))
    .map((k) => `relatedResources[${i}].${k}`);
  for (const sel of ['labelSelector', 'namespaceSelector']) {
    const v = rule[sel];
    if (isObject(v)) {
      out.push(
        ...Object.keys(v)
          .filter((k) => !SELECTOR_KEYS.has(k))
          .map((k) => `relatedResources[${i}].${sel}.${k}`),
      );
    }
  }
  return out;
}

function checkRule(raw: unknown, i: number): RelatedResourceRule {
  const rule = sanitize(raw, `relatedResources[${i}]`);
  if (!isObject(rule) || typeof rule['apiVersion'] !== 'string' || typeof rule['resource'] !== 'string') {
    throw new HookError('InvalidResponse', `relatedResources[${i}] needs apiVersion and resource`);
  }
  const unknown = unknownKeys(rule, i);
  if (unknown.length > 0) {
    throw new HookError('InvalidResponse', `unknown keys (v2 strict decoding): ${unknown.join(', ')}`);
  }
  const problem = selectionProblem(rule);
  if (problem !== undefined) throw new HookError('InvalidResponse', `relatedResources[${i}]: ${problem}`);
  return rule as unknown as RelatedResourceRule;
}

/** Why Metacontroller would select other objects than meant, or refuse the rule. */
function selectionProblem(rule: Record<string, unknown>): string | undefined {
  const names = rule['names'];
  if (names !== undefined && (!Array.isArray(names) || names.length === 0)) {
    return 'names is empty: Metacontroller would select every object';
  }
  if (
    names !== undefined &&
    (rule['labelSelector'] !== undefined || rule['namespaceSelector'] !== undefined)
  ) {
    return 'names excludes label and namespace selectors';
  }
  if (rule['namespace'] !== undefined && rule['namespaceSelector'] !== undefined) {
    return 'namespace excludes namespaceSelector';
  }
  return undefined;
}
