/**
 * A container's environment as the kubelet builds it from rendered objects: each variable in list
 * order, a literal `value` with its `$(NAME)` references expanded from the variables defined before
 * it (`$$` is a literal `$`; an unknown name stays as written), a `secretKeyRef` read from the
 * rendered Secret's base64 `data`. The rules are the V1EnvVar `value` documentation of the
 * Kubernetes API (@kubernetes/client-node `V1EnvVar.value`).
 */
import type { KubeObject } from '../../hooks/lib/k8s.js';

export interface RenderedEnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string }; fieldRef?: { fieldPath: string } };
}

/** Expands `$(NAME)` references in `input` from `defined`. */
export function expandReferences(input: string, defined: ReadonlyMap<string, string>): string {
  let out = '';
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    const next = input[i + 1];
    if (c !== '$' || next === undefined) {
      out += c;
      i += 1;
    } else if (next === '$') {
      out += '$';
      i += 2;
    } else if (next === '(' && input.includes(')', i + 2)) {
      const end = input.indexOf(')', i + 2);
      const name = input.slice(i + 2, end);
      out += defined.get(name) ?? `$(${name})`;
      i = end + 1;
    } else {
      out += c;
      i += 1;
    }
  }
  return out;
}

function secretValue(
  ref: { name: string; key: string },
  secrets: readonly KubeObject[],
  env: string,
): string {
  const secret = secrets.find((s) => s.kind === 'Secret' && s.metadata.name === ref.name);
  const encoded = ((secret?.['data'] ?? {}) as Record<string, string>)[ref.key];
  if (encoded === undefined) throw new Error(`env ${env}: Secret ${ref.name} has no data.${ref.key}`);
  return Buffer.from(encoded, 'base64').toString('utf8');
}

/**
 * Every variable's value, resolved in order against the rendered Secrets. A `fieldRef` (the pod's
 * own fields, known only in a cluster) stays undefined, so a reference to it stays unexpanded.
 */
export function containerEnvValues(
  env: readonly RenderedEnvVar[],
  secrets: readonly KubeObject[],
): Map<string, string> {
  const defined = new Map<string, string>();
  for (const v of env) {
    const ref = v.valueFrom?.secretKeyRef;
    if (v.value !== undefined) defined.set(v.name, expandReferences(v.value, defined));
    else if (ref !== undefined) defined.set(v.name, secretValue(ref, secrets, v.name));
    else if (v.valueFrom?.fieldRef !== undefined) continue;
    else throw new Error(`env ${v.name} is neither a value nor a secretKeyRef`);
  }
  return defined;
}
