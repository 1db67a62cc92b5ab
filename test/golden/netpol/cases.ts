/**
 * Golden scenarios of clusters with NetworkPolicies (spec.networkPolicy), with and without poolers.
 */
import { appliedChildren, parentFrom, relatedFor, type World } from '../../support/cluster-world';

const NETPOL = {
  enabled: true,
  allowFrom: [
    {
      namespaceSelector: { matchLabels: { team: 'web' } },
      podSelector: { matchLabels: { app: 'storefront' } },
    },
  ],
  allowCidrs: ['10.50.0.0/16'],
};
const HA = { version: '16', replicas: 3, storage: { size: '10Gi' }, networkPolicy: NETPOL };

export const CASES: Record<string, () => World> = {
  'netpol-fresh-create': () => ({ parent: parentFrom(HA), children: [], related: [] }),
  'netpol-with-poolers-ready': () => {
    const parent = parentFrom({ ...HA, pgbouncer: { enabled: true } });
    return {
      parent,
      children: appliedChildren(parent),
      related: relatedFor(parent, [
        { ordinal: 0, role: 'master' },
        { ordinal: 1, role: 'replica' },
        { ordinal: 2, role: 'replica' },
      ]),
    };
  },
};
