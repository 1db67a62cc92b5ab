/**
 * What credential rotation changes in the rendered children: each credential Secret records the
 * generation of its password, and the pod templates of whoever holds a password in its environment
 * record the generations of theirs, so a Secret rewritten by the rotation Job restarts them: the
 * members through the rollout (replicas first, the primary after a switchover, day2/rollout.ts),
 * the poolers through their Deployment's rolling update.
 */
import type { KubeObject } from '../../lib/k8s.js';
import type { ResolvedCluster } from '../spec/resolved.js';
import {
  generationAnnotation,
  memberGenerations,
  renderedGeneration,
  ROTATED_PURPOSES,
  rotatedSecretName,
} from './generations.js';

type Observed = Readonly<Record<string, KubeObject>>;

interface PodTemplateOwner {
  spec?: { template?: { metadata?: { annotations?: Record<string, string> } } };
}

function withTemplateAnnotations(obj: KubeObject, extra: Record<string, string>): KubeObject {
  if (Object.keys(extra).length === 0) return obj;
  const spec = (obj as PodTemplateOwner).spec ?? {};
  const template = spec.template ?? {};
  const metadata = template.metadata ?? {};
  return {
    ...obj,
    spec: {
      ...spec,
      template: {
        ...template,
        metadata: { ...metadata, annotations: { ...metadata.annotations, ...extra } },
      },
    },
  };
}

function withSecretGeneration(secret: KubeObject, generation: number): KubeObject {
  const extra = generationAnnotation(generation);
  if (Object.keys(extra).length === 0) return secret;
  const annotations = { ...secret.metadata.annotations, ...extra };
  return { ...secret, metadata: { ...secret.metadata, annotations } };
}

/** The rendered children with the rotation generations recorded where they belong. */
export function withCredentialGenerations(
  children: readonly KubeObject[],
  cluster: ResolvedCluster,
  observed: Observed,
): KubeObject[] {
  const bySecret = new Map(ROTATED_PURPOSES.map((p) => [rotatedSecretName(cluster, p), p]));
  const generationOf = (name: string, purpose: keyof ResolvedCluster['credentialRotation']) =>
    renderedGeneration(observed[name], cluster.credentialRotation[purpose]);
  const poolerSecret = rotatedSecretName(cluster, 'pooler');
  return children.map((c) => {
    const purpose = c.kind === 'Secret' ? bySecret.get(c.metadata.name) : undefined;
    if (purpose) return withSecretGeneration(c, generationOf(c.metadata.name, purpose));
    if (c.kind === 'StatefulSet') return withTemplateAnnotations(c, memberGenerations(cluster, observed));
    if (c.kind === 'Deployment')
      return withTemplateAnnotations(c, generationAnnotation(generationOf(poolerSecret, 'pooler')));
    return c;
  });
}
