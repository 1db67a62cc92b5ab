/**
 * Golden scenarios of clusters with PgBouncer poolers (spec.pgbouncer), built like the
 * PostgresCluster goldens: the real hook's own output, applied as the API server stores it, with
 * the pods Patroni runs and the poolers' Deployments in a given state.
 */
import type { KubeObject } from '../../../hooks/lib/k8s';
import { appliedChildren, parentFrom, relatedFor, type World } from '../../support/cluster-world';

const HA = { version: '16', replicas: 3, storage: { size: '10Gi' } };
const POOLED = { ...HA, pgbouncer: { enabled: true, readOnlyPooler: true, poolMode: 'transaction' } };
const healthy = [
  { ordinal: 0, role: 'master' as const },
  { ordinal: 1, role: 'replica' as const },
  { ordinal: 2, role: 'replica' as const },
];

/** The Deployments as their controller reports them, `ready` pods each. */
function withPoolerPods(children: KubeObject[], ready: Record<string, number>): KubeObject[] {
  return children.map((c) => {
    if (c.kind !== 'Deployment') return c;
    const n = ready[c.metadata.name] ?? 0;
    const replicas = (c['spec'] as { replicas?: number }).replicas ?? 1;
    return {
      ...c,
      status: {
        observedGeneration: 1,
        replicas,
        updatedReplicas: replicas,
        readyReplicas: n,
        availableReplicas: n,
      },
    };
  });
}

export const CASES: Record<string, () => World> = {
  'pooler-fresh-create': () => ({ parent: parentFrom(POOLED), children: [], related: [] }),

  'pooler-ready': () => {
    const parent = parentFrom(POOLED);
    const children = withPoolerPods(appliedChildren(parent), { 'orders-pooler': 2, 'orders-pooler-ro': 2 });
    return { parent, children, related: relatedFor(parent, healthy) };
  },

  'pooler-starting': () => {
    const parent = parentFrom(POOLED);
    const children = withPoolerPods(appliedChildren(parent), { 'orders-pooler': 1 });
    return { parent, children, related: relatedFor(parent, healthy) };
  },

  'pooler-session-tls-off': () => {
    const parent = parentFrom({
      ...HA,
      tls: { enabled: false },
      pgbouncer: { enabled: true, poolMode: 'session', replicas: 3, maxClientConn: 5000 },
    });
    return { parent, children: [], related: [] };
  },
};
