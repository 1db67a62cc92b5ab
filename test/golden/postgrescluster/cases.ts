/**
 * The PostgresCluster golden scenarios. Each builds a realistic Metacontroller request from the real
 * hook's own output (applied as the API server would store it) and the pods Patroni would run.
 * `UPDATE_GOLDEN=1` writes request.yaml from these builders and response.yaml from the hook.
 */
import type { KubeObject } from '../../../hooks/lib/k8s';
import { stopped } from '../../../hooks/postgrescluster/finalize';
import { statefulSetStatus } from '../../support/apiserver';
import { appliedChildren, parentFrom, relatedFor, type World } from '../../support/cluster-world';
import { DAY2_CASES } from './day2-cases';
import { DELETION_CASES } from './deletion-cases';

export const HA = { version: '16', replicas: 3, storage: { size: '10Gi' }, synchronous: { mode: 'sync' } };
const healthy = [
  { ordinal: 0, role: 'master' as const },
  { ordinal: 1, role: 'replica' as const, xlog: 67_100_000 },
  { ordinal: 2, role: 'replica' as const, xlog: 67_108_864 },
];
const creatingStatus = {
  phase: 'Creating',
  conditions: [
    {
      type: 'Ready',
      status: 'False',
      reason: 'Bootstrapping',
      message: 'waiting for the first primary',
      lastTransitionTime: '2026-11-20T09:00:00Z',
    },
    {
      type: 'SpecValid',
      status: 'True',
      reason: 'Valid',
      message: 'the spec is valid',
      lastTransitionTime: '2026-11-20T09:00:00Z',
    },
  ],
};

function withStsStatus(children: KubeObject[], status: Record<string, unknown>): KubeObject[] {
  return children.map((c) => (c.kind === 'StatefulSet' ? { ...c, status } : c));
}

function ha(o: { generation?: number; spec?: Record<string, unknown>; status?: unknown } = {}): KubeObject {
  return parentFrom({ ...HA, ...o.spec }, o);
}

export const CASES: Record<string, () => World> = {
  'fresh-create': () => ({ parent: ha(), children: [], related: [] }),

  // A user shared_preload_libraries is rendered after Spilo's own list (spilo/preload.ts).
  'preload-merged': () => ({
    parent: ha({ spec: { postgresqlParams: { shared_preload_libraries: 'auto_explain,pg_cron' } } }),
    children: [],
    related: [],
  }),

  'all-ready': () => {
    const parent = ha({ status: creatingStatus });
    return { parent, children: appliedChildren(parent), related: relatedFor(parent, healthy) };
  },

  'replica-lost': () => {
    const parent = ha();
    const children = appliedChildren(parent);
    const sts = children.find((c) => c.kind === 'StatefulSet')!;
    return {
      parent,
      children: withStsStatus(children, statefulSetStatus(sts, { ready: 2 })),
      related: relatedFor(parent, healthy.slice(0, 2), [2]),
    };
  },

  'primary-lost-promoted': () => {
    const parent = ha();
    return {
      parent,
      children: appliedChildren(parent),
      related: relatedFor(
        parent,
        [
          { ordinal: 1, role: 'master', timeline: 2, xlog: 68_000_000 },
          { ordinal: 2, role: 'replica', timeline: 2, xlog: 67_990_000 },
        ],
        [0],
      ),
    };
  },

  'scale-3-to-5': () => {
    const before = ha();
    const parent = ha({ generation: 2, spec: { replicas: 5 } });
    return { parent, children: appliedChildren(before), related: relatedFor(parent, healthy) };
  },

  'invalid-spec': () => {
    const before = ha();
    const parent = ha({
      generation: 3,
      spec: {
        version: '15',
        storage: { size: '5Gi' },
        postgresqlParams: { shared_buffers: '12xB', not_a_setting: 'on' },
      },
    });
    // Patroni still holds the configuration of the last valid spec.
    const related = relatedFor(parent, healthy, [], { dcsFrom: before });
    return { parent, children: appliedChildren(before), related };
  },

  finalize: () => {
    const parent = { ...ha(), metadata: { ...ha().metadata, deletionTimestamp: '2026-11-21T09:58:00Z' } };
    return {
      parent,
      children: appliedChildren(parent),
      related: relatedFor(parent, healthy),
      finalizing: true,
    };
  },

  'finalize-done': () => {
    const parent = { ...ha(), metadata: { ...ha().metadata, deletionTimestamp: '2026-11-21T09:58:00Z' } };
    const children = appliedChildren(parent).map((c) => {
      if (c.kind !== 'StatefulSet') return c;
      const s = stopped(c);
      return { ...s, status: statefulSetStatus(s, { replicas: 0, ready: 0 }) };
    });
    // Patroni's config Endpoints are gone too (the cleanup Job ran: day2-cases 'finalize-cleanup').
    const related = relatedFor(parent, [], [0, 1, 2]).filter((r) => r.metadata.name !== 'orders-config');
    return { parent, children, related, finalizing: true };
  },

  ...DAY2_CASES,
  ...DELETION_CASES,
};
