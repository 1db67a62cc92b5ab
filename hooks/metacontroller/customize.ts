/**
 * Checks a customize response against the rule combinations Metacontroller accepts; a bad rule
 * fails every sync of the parent, so it is refused here with the reason instead.
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

function checkRule(raw: unknown, i: number): RelatedResourceRule {
  const rule = sanitize(raw, `relatedResources[${i}]`);
  if (!isObject(rule) || typeof rule['apiVersion'] !== 'string' || typeof rule['resource'] !== 'string') {
    throw new HookError('InvalidResponse', `relatedResources[${i}] needs apiVersion and resource`);
  }
  if (
    rule['names'] !== undefined &&
    (rule['labelSelector'] !== undefined || rule['namespaceSelector'] !== undefined)
  ) {
    throw new HookError(
      'InvalidResponse',
      `relatedResources[${i}]: names excludes label and namespace selectors`,
    );
  }
  if (rule['namespace'] !== undefined && rule['namespaceSelector'] !== undefined) {
    throw new HookError('InvalidResponse', `relatedResources[${i}]: namespace excludes namespaceSelector`);
  }
  return rule as unknown as RelatedResourceRule;
}
