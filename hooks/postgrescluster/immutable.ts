/**
 * Fields the API server refuses to change on an existing StatefulSet. Sending a different value
 * makes every update of the StatefulSet fail (and with it every other change we render), so the
 * desired object keeps the observed value. `volumeClaimTemplates` is the one a spec edit reaches:
 * `storage.size` grows volumes, which happens on the PVCs themselves, not in the template.
 */
import type { KubeObject } from '../lib/k8s.js';

interface ClaimTemplate {
  metadata?: { name?: string };
  spec?: { resources?: { requests?: Record<string, string> } };
}

/** The desired StatefulSet with the observed claim templates' storage requests. */
export function keepImmutable(desired: KubeObject, observed: KubeObject | undefined): KubeObject {
  if (desired.kind !== 'StatefulSet' || !observed) return desired;
  const want = templates(desired);
  const have = templates(observed);
  if (want.length === 0 || have.length === 0) return desired;
  const merged = want.map((t) => {
    const size = have.find((h) => h.metadata?.name === t.metadata?.name)?.spec?.resources?.requests?.[
      'storage'
    ];
    if (size === undefined) return t;
    const requests = { ...t.spec?.resources?.requests, storage: size };
    return { ...t, spec: { ...t.spec, resources: { ...t.spec?.resources, requests } } };
  });
  return { ...desired, spec: { ...(desired['spec'] as object), volumeClaimTemplates: merged } };
}

function templates(sts: KubeObject): ClaimTemplate[] {
  const list = (sts['spec'] as { volumeClaimTemplates?: unknown } | undefined)?.volumeClaimTemplates;
  return Array.isArray(list) ? (list as ClaimTemplate[]) : [];
}
