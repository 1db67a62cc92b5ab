/** Kubernetes label selectors (matchLabels and matchExpressions), as the API server evaluates them. */

export interface Selector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export function matches(selector: Selector | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector) return false;
  const l = labels ?? {};
  const byLabel = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => l[k] === v);
  return byLabel && (selector.matchExpressions ?? []).every((e) => expression(e, l));
}

function expression(
  e: { key: string; operator: string; values?: string[] },
  l: Record<string, string>,
): boolean {
  const v = l[e.key];
  switch (e.operator) {
    case 'In':
      return v !== undefined && (e.values ?? []).includes(v);
    case 'NotIn':
      return v === undefined || !(e.values ?? []).includes(v);
    case 'Exists':
      return v !== undefined;
    case 'DoesNotExist':
      return v === undefined;
    default:
      throw new Error(`unknown selector operator ${e.operator}`);
  }
}
