/**
 * The customize hook in the Metacontroller emulator, as v4.17.2 does it:
 * - its answer is cached per (parent uid, metadata.generation) for 20 minutes
 *   (pkg/controller/common/customize/manager.go `newResponseCache`, `getCustomizeHookResponse`);
 * - a v2 answer is decoded strictly: an unknown key at the top level or in a rule fails the call,
 *   so every sync of the parent (pkg/hooks/webhook.go `webhookExecutor.Call`, UnmarshalStrict into
 *   customize/api/v2 `CustomizeHookResponse` and v1alpha1 `RelatedResourceRule`);
 * - a rule selects by its names only when `names` is non-empty: `names: []` is the same as no
 *   `names`, i.e. every object of the resource in the rule's namespace (manager.go
 *   `determineSelectionType` and the NamespacesAndNames branch of `GetRelatedObjects`).
 */
import type { KubeObject } from '../../../hooks/lib/k8s';
import type { HookAnswer } from '../lib/hook-server';
import { isObject, type JsonObject } from '../lib/json';
import { matches, type Selector } from '../lib/selectors';

/** The JSON keys of v1alpha1.RelatedResourceRule (ResourceRule inlined). */
const RULE_KEYS = new Set([
  'apiVersion',
  'resource',
  'labelSelector',
  'namespaceSelector',
  'namespace',
  'names',
]);
/** customize/api/v2 CustomizeHookResponse. */
const RESPONSE_KEYS = new Set(['relatedResources']);
/** `newResponseCache`: entries expire 20 minutes after they were stored. */
export const CUSTOMIZE_TTL_SECONDS = 20 * 60;

/** The rules of a customize answer, or why the call failed. */
export function decodeCustomize(answer: HookAnswer, version: string | undefined): JsonObject[] | string {
  const head = `customize answered ${answer.status}`;
  if (answer.status !== 200) return `${head}: ${JSON.stringify(answer.body).slice(0, 200)}`;
  const body = answer.body;
  if (!isObject(body)) return `${head} without a JSON object`;
  const rules = body['relatedResources'] ?? [];
  if (!Array.isArray(rules) || !rules.every(isObject))
    return `${head}: relatedResources is not a list of rules`;
  if (version === 'v2') {
    const unknown = [
      ...Object.keys(body).filter((k) => !RESPONSE_KEYS.has(k)),
      ...rules.flatMap((r, i) =>
        Object.keys(r)
          .filter((k) => !RULE_KEYS.has(k))
          .map((k) => `relatedResources[${i}].${k}`),
      ),
    ];
    if (unknown.length > 0)
      return `strict decoding of the customize answer: unknown field(s) ${unknown.join(', ')}`;
  }
  return rules;
}

/** Whether a related object matches a rule (namespace handling is the caller's list). */
export function ruleSelects(rule: JsonObject, obj: KubeObject): boolean {
  const names = Array.isArray(rule['names']) ? (rule['names'] as string[]) : [];
  if (names.length > 0) return names.includes(obj.metadata.name);
  return matches((rule['labelSelector'] as Selector | undefined) ?? {}, obj.metadata.labels);
}
