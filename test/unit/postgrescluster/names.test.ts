import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  ANNOTATIONS,
  CLUSTER_LABEL,
  clusterNames,
  commonLabels,
  COMPONENTS,
  LABELS,
  PATRONI_LABELS,
  patroniLabels,
  podLabels,
  podName,
  podSelector,
  ROLE_LABEL,
  ROLE_VALUES,
  roleSelector,
  serviceHost,
} from '../../../hooks/postgrescluster/names.js';
import { CLUSTER_LABEL as SPEC_CLUSTER_LABEL } from '../../../hooks/postgrescluster/spec/labels.js';

const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Every cluster name the CRD accepts: a DNS-1035 label of at most 40 characters. */
const clusterName = fc.stringMatching(/^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/);

const subset = (small: Record<string, string>, big: Record<string, string>): boolean =>
  Object.entries(small).every(([k, v]) => big[k] === v);

function allNames(name: string): string[] {
  const n = clusterNames({ name });
  return [
    n.scope,
    n.statefulSet,
    n.primaryService,
    n.replicaService,
    n.headlessService,
    n.serviceAccount,
    n.role,
    n.roleBinding,
    n.pdb,
    ...Object.values(n.secrets),
    `${n.bootstrapJobPrefix}-0123abcd`,
    podName({ name }, 99),
  ];
}

describe('clusterNames', () => {
  it('derives every child name from the cluster name', () => {
    expect(clusterNames({ name: 'demo' })).toEqual({
      scope: 'demo',
      restApiSecret: 'demo-patroni-api',
      statefulSet: 'demo',
      primaryService: 'demo',
      replicaService: 'demo-ro',
      headlessService: 'demo-members',
      serviceAccount: 'demo-patroni',
      role: 'demo-patroni',
      roleBinding: 'demo-patroni',
      pdb: 'demo',
      primaryPdb: 'demo-primary',
      secrets: { superuser: 'demo-superuser', replication: 'demo-replication', app: 'demo-app' },
      bootstrapJobPrefix: 'demo-bootstrap',
      patroni: { leader: 'demo', config: 'demo-config', sync: 'demo-sync', failover: 'demo-failover' },
    });
  });

  it('names the primary Service after the Patroni scope, whose leader Endpoints back it', () => {
    const n = clusterNames({ name: 'orders' });
    expect(n.primaryService).toBe(n.scope);
    expect(n.patroni.leader).toBe(n.primaryService);
  });

  it.each(['-config', '-sync', '-failover', '-leader'])(
    'no Service of ours ends with Patroni suffix %s',
    (s) => {
      const n = clusterNames({ name: 'demo' });
      for (const svc of [n.primaryService, n.replicaService, n.headlessService])
        expect(svc.endsWith(s)).toBe(false);
    },
  );

  it('gives the three Services and the three Secrets distinct names', () => {
    const n = clusterNames({ name: 'demo' });
    expect(new Set([n.primaryService, n.replicaService, n.headlessService]).size).toBe(3);
    expect(new Set(Object.values(n.secrets)).size).toBe(3);
  });

  it('keeps every derived name a valid DNS label within Kubernetes limits, for any accepted cluster name', () => {
    fc.assert(
      fc.property(clusterName, (name) => {
        for (const derived of allNames(name)) {
          expect(derived).toMatch(DNS_1123_LABEL);
          expect(derived.length).toBeLessThanOrEqual(63);
        }
        const n = clusterNames({ name });
        for (const svc of [n.primaryService, n.replicaService, n.headlessService])
          expect(svc).toMatch(DNS_1035_LABEL);
        // The StatefulSet's pods carry `controller-revision-hash: <name>-<10 chars>` (≤ 63).
        expect(n.statefulSet.length).toBeLessThanOrEqual(52);
      }),
      { numRuns: 500 },
    );
  });

  it('holds for the longest accepted name', () => {
    const longest = `a${'b'.repeat(38)}c`;
    expect(longest).toHaveLength(40);
    expect(Math.max(...allNames(longest).map((s) => s.length))).toBeLessThanOrEqual(63);
  });

  it('writes the in-cluster host of a Service', () => {
    expect(serviceHost({ namespace: 'prod' }, 'demo')).toBe('demo.prod.svc');
  });
});

describe('labels and selectors', () => {
  it('re-exports the cluster label of the spec module', () => {
    expect(CLUSTER_LABEL).toBe('pgmeta.io/cluster');
    expect(CLUSTER_LABEL).toBe(SPEC_CLUSTER_LABEL);
  });

  it('puts the recommended labels and the cluster label on every child', () => {
    expect(commonLabels({ name: 'demo' }, COMPONENTS.credentials)).toEqual({
      'app.kubernetes.io/name': 'postgresql',
      'app.kubernetes.io/instance': 'demo',
      'app.kubernetes.io/managed-by': 'pgmeta',
      'app.kubernetes.io/component': 'credentials',
      'app.kubernetes.io/part-of': 'pgmeta',
      'pgmeta.io/cluster': 'demo',
    });
  });

  it('selects database pods by cluster and component only (nothing that changes over time)', () => {
    expect(podSelector({ name: 'demo' })).toEqual({
      'pgmeta.io/cluster': 'demo',
      'app.kubernetes.io/component': 'database',
    });
  });

  it('pins the Patroni role label and the values Spilo uses', () => {
    expect(ROLE_LABEL).toBe('spilo-role');
    expect(ROLE_VALUES).toEqual({ primary: 'master', replica: 'replica' });
    expect(roleSelector({ name: 'demo' }, 'replica')).toEqual({
      ...podSelector({ name: 'demo' }),
      'spilo-role': 'replica',
    });
  });

  it('pod labels contain the pod selector and everything Patroni selects members by', () => {
    fc.assert(
      fc.property(clusterName, (name) => {
        const labels = podLabels({ name });
        expect(subset(podSelector({ name }), labels)).toBe(true);
        expect(subset(patroniLabels({ name }), labels)).toBe(true);
        expect(subset(commonLabels({ name }, COMPONENTS.database), labels)).toBe(true);
        for (const value of Object.values(labels)) {
          expect(value).toMatch(LABEL_VALUE);
          expect(value.length).toBeLessThanOrEqual(63);
        }
      }),
    );
  });

  it("keeps Patroni's labels away from Metacontroller's child selector", () => {
    expect(Object.keys(PATRONI_LABELS)).not.toContain('controller-uid');
    expect(Object.keys(patroniLabels({ name: 'demo' }))).not.toContain('controller-uid');
    expect(patroniLabels({ name: 'demo' })).toEqual({ application: 'spilo', 'pgmeta.io/cluster': 'demo' });
  });

  it('uses the recommended label keys', () => {
    expect(Object.values(LABELS)).toEqual([
      'app.kubernetes.io/name',
      'app.kubernetes.io/instance',
      'app.kubernetes.io/managed-by',
      'app.kubernetes.io/component',
      'app.kubernetes.io/part-of',
    ]);
  });

  it('defines the annotation keys', () => {
    expect(ANNOTATIONS.protected).toBe('pgmeta.io/protected');
    expect(ANNOTATIONS.lastValidSpec).toBe('pgmeta.io/last-valid-spec');
  });
});
