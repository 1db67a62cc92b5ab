/**
 * Invariants of the PostgresCluster hook over generated specs and observed states (docs/architecture.md
 * rules 2, 3, 5, 6): determinism, fixpoint, valid names, labels matching selectors, guarded children never
 * dropped, passwords independent of whether their Secret is observed.
 */
import fc from 'fast-check';
import type { KubeObject } from '../../hooks/lib/k8s';
import { HookError } from '../../hooks/metacontroller/errors';
import { applied, storedParent } from '../support/apiserver';
import { relatedFor, sync, type MemberSpec } from '../support/cluster-world';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Any name the CRD accepts (the suffixes it refuses are names of another cluster's objects). */
const clusterName = fc
  .stringMatching(/^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/)
  .filter((n) => !/-(ro|members|config|sync|failover|leader)$/.test(n));

const spec = fc
  .record({
    // 18 is refused for now (spec/majors.ts): its specs would render nothing to check.
    version: fc.constantFrom('13', '14', '15', '16', '17'),
    replicas: fc.integer({ min: 1, max: 7 }),
    size: fc.constantFrom('1Gi', '10Gi', '500Mi', '2Ti'),
    sync: fc.constantFrom('async', 'sync', 'strict'),
    tls: fc.boolean(),
    serviceType: fc.constantFrom('ClusterIP', 'NodePort', 'LoadBalancer'),
    params: fc.subarray([
      ['max_connections', '200'],
      ['shared_buffers', '256MB'],
      ['work_mem', '8MB'],
      ['log_min_duration_statement', '2s'],
      ['synchronous_commit', 'remote_apply'],
    ] as const),
    owner: fc.constantFrom('app', 'orders_owner', 'svc'),
  })
  .map((s) => ({
    version: s.version,
    replicas: s.replicas,
    storage: { size: s.size },
    synchronous: s.replicas > 1 ? { mode: s.sync, nodeCount: 1 } : { mode: 'async' },
    tls: { enabled: s.tls },
    service: { type: s.serviceType },
    postgresqlParams: Object.fromEntries(s.params),
    bootstrap: { database: 'appdb', owner: s.owner },
  }));

const parentArb = fc.record({ name: clusterName, spec }).map(({ name, spec: sp }) =>
  storedParent({
    apiVersion: 'pgmeta.io/v1alpha1',
    kind: 'PostgresCluster',
    metadata: { name, namespace: 'ns' },
    spec: sp,
  }),
);

const membersArb = fc.array(
  fc.record({
    ordinal: fc.integer({ min: 0, max: 6 }),
    role: fc.constantFrom('master' as const, 'replica' as const),
    ready: fc.boolean(),
    terminating: fc.boolean(),
  }),
  { maxLength: 5 },
);

const run = (parent: KubeObject, children: KubeObject[] = [], related: KubeObject[] = []) =>
  sync({ parent, children, related });

const isGuarded = (c: KubeObject, parent: KubeObject) =>
  c.kind === 'StatefulSet' ||
  (c.kind === 'Service' && c.metadata.name === parent.metadata.name) ||
  (c.kind === 'Secret' &&
    ['superuser', 'replication', 'app'].some((p) => c.metadata.name === `${parent.metadata.name}-${p}`));

describe('PostgresCluster hook properties', () => {
  it('is deterministic', () => {
    fc.assert(
      fc.property(parentArb, (parent) => {
        expect(JSON.stringify(run(parent))).toBe(JSON.stringify(run(structuredClone(parent))));
      }),
      { numRuns: 60 },
    );
  });

  it('reaches a fixpoint: desired children fed back as observed give the same children', () => {
    fc.assert(
      fc.property(parentArb, (parent) => {
        const first = run(parent).children;
        const second = run(
          parent,
          first.map((c) => applied(c, parent)),
        ).children;
        expect(second).toEqual(first);
      }),
      { numRuns: 60 },
    );
  });

  it('names every child with a DNS label that fits, in the parent namespace', () => {
    fc.assert(
      fc.property(parentArb, (parent) => {
        for (const c of run(parent).children) {
          expect(c.metadata.name).toMatch(DNS_LABEL);
          expect(c.metadata.name.length).toBeLessThanOrEqual(c.kind === 'StatefulSet' ? 52 : 63);
          expect(c.metadata.namespace).toBe('ns');
        }
      }),
      { numRuns: 60 },
    );
  });

  it('gives pods labels that satisfy every selector pointing at them', () => {
    fc.assert(
      fc.property(parentArb, (parent) => {
        const children = run(parent).children;
        const sts = children.find((c) => c.kind === 'StatefulSet') as KubeObject & {
          spec: {
            selector: { matchLabels: Record<string, string> };
            template: { metadata: { labels: Record<string, string> } };
          };
        };
        const podLabels = sts.spec.template.metadata.labels;
        expect(podLabels).toMatchObject(sts.spec.selector.matchLabels);
        for (const c of children) {
          const sel = (c['spec'] as { selector?: Record<string, unknown> } | undefined)?.selector;
          if (c.kind === 'Service' && sel) {
            const { 'spilo-role': _role, ...rest } = sel as Record<string, string>;
            expect(podLabels).toMatchObject(rest);
          }
          if (c.kind === 'PodDisruptionBudget') {
            // The primary's budget also selects the role label Patroni adds (children/pdb.ts).
            const { 'spilo-role': _role, ...rest } = (sel as { matchLabels: Record<string, string> })
              .matchLabels;
            expect(podLabels).toMatchObject(rest);
          }
          const uid = c.metadata.labels?.['controller-uid'];
          if (uid !== undefined) expect(uid).toBe(parent.metadata.uid);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('never omits the StatefulSet, a credential Secret or the primary Service, whatever is observed', () => {
    fc.assert(
      fc.property(
        parentArb,
        parentArb,
        fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
        membersArb,
        (parent, other, keep, members) => {
          const existing = run(parent).children.map((c) => applied(c, parent));
          const observed = existing.filter((_c, i) => keep[i % keep.length]);
          // The same cluster with any other spec: valid, invalid or a forbidden transition.
          const edited = {
            ...parent,
            spec: { ...(other['spec'] as object), ...(keep[0] ? { version: '13' } : {}) },
          };
          const related = relatedFor(parent, dedupe(members));
          let out: { children: KubeObject[] };
          try {
            out = sync({ parent: edited, children: observed, related });
          } catch (e) {
            expect(e).toBeInstanceOf(HookError); // 500: nothing is touched
            return;
          }
          for (const c of observed.filter((o) => isGuarded(o, parent))) {
            expect(out.children.some((d) => d.kind === c.kind && d.metadata.name === c.metadata.name)).toBe(
              true,
            );
          }
        },
      ),
      { numRuns: 80 },
    );
  });

  it('renders the same passwords whether or not the credential Secrets are observed', () => {
    fc.assert(
      fc.property(parentArb, (parent) => {
        const fresh = run(parent).children;
        const secrets = fresh.filter((c) => c.kind === 'Secret').map((c) => applied(c, parent));
        const again = run(parent, secrets).children;
        expect(again.filter((c) => c.kind === 'Secret')).toEqual(fresh.filter((c) => c.kind === 'Secret'));
      }),
      { numRuns: 40 },
    );
  });
});

function dedupe(members: readonly MemberSpec[]): MemberSpec[] {
  return [...new Map(members.map((m) => [m.ordinal, m])).values()];
}
