/**
 * Goldens of Patroni's ConfigMaps DCS (`spec.patroni.dcs: configmaps`) and the OpenShift profile
 * (`spec.platform: openshift`): create, running, failover, delete, and a refused DCS change. Each is
 * built from the real hook's own output, like the PostgresCluster goldens.
 */
import type { KubeObject } from '../../../hooks/lib/k8s';
import { stopped } from '../../../hooks/postgrescluster/finalize';
import { ANNOTATIONS } from '../../../hooks/postgrescluster/names';
import { statefulSetStatus } from '../../support/apiserver';
import { appliedChildren, parentFrom, relatedFor, type World } from '../../support/cluster-world';

const BASE = { version: '16', replicas: 3, storage: { size: '10Gi' } };
export const CONFIGMAPS = { ...BASE, patroni: { dcs: 'configmaps' } };
export const OPENSHIFT = { ...BASE, platform: 'openshift' };

const healthy = [
  { ordinal: 0, role: 'master' as const },
  { ordinal: 1, role: 'replica' as const, xlog: 67_100_000 },
  { ordinal: 2, role: 'replica' as const, xlog: 67_108_864 },
];

function deleting(parent: KubeObject): KubeObject {
  return { ...parent, metadata: { ...parent.metadata, deletionTimestamp: '2026-11-21T09:58:00Z' } };
}

/** The StatefulSet as a pgmeta release before `spec.patroni` stored it: no DCS in its last valid spec. */
function legacy(children: KubeObject[]): KubeObject[] {
  return children.map((c) => {
    if (c.kind !== 'StatefulSet') return c;
    const stored = JSON.parse(c.metadata.annotations?.[ANNOTATIONS.lastValidSpec] ?? '{}') as Record<
      string,
      unknown
    >;
    delete stored['patroni'];
    delete stored['platform'];
    const annotations = { ...c.metadata.annotations, [ANNOTATIONS.lastValidSpec]: JSON.stringify(stored) };
    return { ...c, metadata: { ...c.metadata, annotations } };
  });
}

export const CASES: Record<string, () => World> = {
  // ConfigMaps: the primary Service selects the leader-labelled pod; Patroni's Role names ConfigMaps.
  'configmaps-fresh-create': () => ({ parent: parentFrom(CONFIGMAPS), children: [], related: [] }),

  // Leader and members from the `<scope>-leader` ConfigMap and the pods' labels and annotations.
  'configmaps-all-ready': () => {
    const parent = parentFrom(CONFIGMAPS);
    return { parent, children: appliedChildren(parent), related: relatedFor(parent, healthy) };
  },

  // orders-0 is gone; Patroni moved the lock in the ConfigMap and relabelled orders-1.
  'configmaps-primary-lost-promoted': () => {
    const parent = parentFrom(CONFIGMAPS);
    const related = relatedFor(
      parent,
      [
        { ordinal: 1, role: 'master', timeline: 2, xlog: 68_000_000 },
        { ordinal: 2, role: 'replica', timeline: 2, xlog: 67_990_000 },
      ],
      [0],
    );
    return { parent, children: appliedChildren(parent), related };
  },

  // Every member stopped: the cleanup Job deletes the four ConfigMaps, the leader's included.
  'configmaps-finalize-cleanup': () => {
    const parent = deleting(parentFrom(CONFIGMAPS));
    const children = appliedChildren(parent).map((c) => {
      if (c.kind !== 'StatefulSet') return c;
      const s = stopped(c);
      return { ...s, status: statefulSetStatus(s, { replicas: 0, ready: 0 }) };
    });
    return { parent, children, related: relatedFor(parent, [], [0, 1, 2]), finalizing: true };
  },

  // OpenShift: no fixed ids anywhere, HOME set, and ConfigMaps recorded as the default.
  'openshift-fresh-create': () => ({ parent: parentFrom(OPENSHIFT), children: [], related: [] }),

  // A cluster from before the field, on OpenShift's default or not: it stays on Endpoints, and only
  // the recorded spec on the StatefulSet gains the DCS it runs with.
  'legacy-keeps-endpoints': () => {
    const parent = parentFrom(BASE);
    return {
      parent,
      children: legacy(appliedChildren(parent)),
      related: relatedFor(parent, healthy),
    };
  },

  // A cluster from before the field asks for ConfigMaps: refused at spec.patroni.dcs, nothing changes.
  'legacy-dcs-change-refused': () => {
    const before = parentFrom(BASE);
    const parent = parentFrom(CONFIGMAPS, { generation: 2 });
    return {
      parent,
      children: legacy(appliedChildren(before)),
      related: relatedFor(parent, healthy, [], { dcsFrom: before }),
    };
  },
};
