/**
 * A small model of Kubernetes RBAC authorization, for checking rendered Roles and the install's
 * ClusterRoles against the API calls a program makes.
 *
 * As the RBAC authorizer decides (Kubernetes docs, "Using RBAC Authorization"): a rule allows a
 * request when its apiGroups, resources and verbs each contain the request's value or `*`, and its
 * resourceNames are empty or contain the request's name. A request without a name (`list`, `watch`,
 * `create`, `deletecollection`) is allowed only by a rule without resourceNames. A subresource is
 * named `resource/subresource`. Creating a Role whose rules the creator does not hold itself needs
 * `escalate` (the escalation check): {@link uncovered} is that check.
 */

export interface PolicyRule {
  apiGroups?: readonly string[];
  resources?: readonly string[];
  resourceNames?: readonly string[];
  verbs: readonly string[];
  nonResourceURLs?: readonly string[];
}

export interface ApiRequest {
  group: string;
  resource: string;
  verb: string;
  /** Absent for collection requests and creates. */
  name?: string;
}

const has = (list: readonly string[] | undefined, value: string): boolean =>
  (list ?? []).includes(value) || (list ?? []).includes('*');

export function ruleAllows(rule: PolicyRule, req: ApiRequest): boolean {
  if (!has(rule.apiGroups, req.group) || !has(rule.resources, req.resource) || !has(rule.verbs, req.verb))
    return false;
  const names = rule.resourceNames ?? [];
  if (names.length === 0) return true;
  return req.name !== undefined && names.includes(req.name);
}

export function allows(rules: readonly PolicyRule[], req: ApiRequest): boolean {
  return rules.some((r) => ruleAllows(r, req));
}

/**
 * Every request a rule grants, one per group, resource, verb and name (no name when the rule has no
 * resourceNames). Wildcards are kept as `*`.
 */
export function expand(rule: PolicyRule): ApiRequest[] {
  const names = rule.resourceNames?.length ? rule.resourceNames : [undefined];
  return (rule.apiGroups ?? []).flatMap((group) =>
    (rule.resources ?? []).flatMap((resource) =>
      rule.verbs.flatMap((verb) =>
        names.map((name) => ({ group, resource, verb, ...(name === undefined ? {} : { name }) })),
      ),
    ),
  );
}

/**
 * The permissions of `rules` that `owner` does not hold: creating a Role with them, or binding it,
 * needs `escalate` or `bind` unless this is empty.
 */
export function uncovered(owner: readonly PolicyRule[], rules: readonly PolicyRule[]): ApiRequest[] {
  return rules.flatMap(expand).filter((req) => !allows(owner, req));
}

export const describeRequest = (r: ApiRequest): string =>
  `${r.verb} ${r.group === '' ? '' : `${r.group}/`}${r.resource}${r.name === undefined ? '' : `/${r.name}`}`;
