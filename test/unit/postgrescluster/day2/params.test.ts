/** The parameter Job: when it is made, what it applies, and that it is made once per change. */
import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../../../hooks/lib/k8s';
import {
  dcsDocument,
  dcsPatch,
  leaves,
  PARAMS_ANNOTATIONS,
  planParams,
} from '../../../../hooks/postgrescluster/day2/params';
import { aCluster } from '../../../support/cluster-fixture';
import { conditionOf, contextOf, observedJob, ofKind, sync, world } from '../../../support/day2-world';

const envOf = (job: KubeObject, name: string): string | undefined => {
  const containers = (
    job['spec'] as { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } }
  ).template.spec.containers;
  return containers[0]?.env.find((v) => v.name === name)?.value;
};
const paramsJobs = (children: readonly KubeObject[]) =>
  ofKind(children, 'Job').filter((j) => j.metadata.name.includes('-params-'));

describe('dcsPatch', () => {
  it('sends the whole DCS document, and removed parameters as null', () => {
    const cluster = aCluster().withParams({ max_connections: '300', work_mem: '8MB' }).build();
    const patch = dcsPatch(cluster, { max_connections: '200', max_wal_senders: '20' });
    expect(patch['postgresql']).toEqual({
      use_pg_rewind: true,
      use_slots: true,
      parameters: { max_connections: '300', max_wal_senders: null },
    });
    expect(patch).toMatchObject({ ttl: 30, loop_wait: 10, synchronous_mode: false });
  });

  it('leaves() flattens documents so numbers and strings compare as PostgreSQL reads them', () => {
    expect(leaves({ a: { b: 200, c: 'x', d: true }, e: null })).toEqual({
      'a.b': '200',
      'a.c': 'x',
      'a.d': 'true',
    });
  });
});

describe('planParams', () => {
  const changed = {
    before: { postgresqlParams: { max_connections: 200 } },
    spec: { postgresqlParams: { max_connections: 300 } },
  };

  it.each([
    ['no DCS-only parameter changed', {}, false],
    [
      'a local parameter changed (it rolls with the pods instead)',
      { before: {}, spec: { postgresqlParams: { work_mem: '8MB' } } },
      false,
    ],
    ['a DCS-only parameter changed', changed, true],
    [
      'a DCS-only parameter was removed',
      { before: { postgresqlParams: { max_wal_senders: 20 } }, spec: {} },
      true,
    ],
    ['synchronous mode was switched to sync', { before: {}, spec: { synchronous: { mode: 'sync' } } }, true],
    [
      'the cluster is not bootstrapped yet (bootstrap applies them)',
      { ...changed, initialized: false },
      false,
    ],
  ])('%s → Job: %s', (_why, o, expected) => {
    expect(planParams(contextOf(world(o))) !== undefined).toBe(expected);
  });

  it('compares with what Patroni holds, not with the last spec: a change already in the DCS needs no Job', () => {
    const cluster = aCluster()
      .withName('orders')
      .withNamespace('shop')
      .withReplicas(3)
      .withVersion('16')
      .withParams({ max_connections: '300' })
      .build();
    expect(planParams(contextOf(world({ ...changed, dcs: dcsDocument(cluster) })))).toBeUndefined();
  });

  it('names the Job by a hash of the DCS document and records what it applies', () => {
    const proposal = planParams(contextOf(world(changed)))!;
    const job = proposal.children[0]!;
    expect(job.metadata.name).toMatch(/^orders-params-[0-9a-f]{8}$/);
    expect(job.metadata.annotations?.[PARAMS_ANNOTATIONS.parameters]).toBe('{"max_connections":"300"}');
    const patch = JSON.parse(envOf(job, 'DCS_PATCH')!) as { postgresql: { parameters: unknown } };
    expect(patch.postgresql.parameters).toEqual({ max_connections: '300' });
    expect(envOf(job, 'PATRONI_URL')).toBe('http://orders-members.shop.svc:8008');
    expect(proposal.disruptive).toBe(true);
  });

  it('sends null for a parameter the spec no longer sets', () => {
    const proposal = planParams(
      contextOf(world({ before: { postgresqlParams: { max_wal_senders: 20 } }, spec: {} })),
    )!;
    const patch = JSON.parse(envOf(proposal.children[0]!, 'DCS_PATCH')!) as {
      postgresql: { parameters: unknown };
    };
    expect(patch.postgresql.parameters).toEqual({ max_wal_senders: null });
  });

  it.each(['active', 'succeeded', 'failed'] as const)(
    'keeps a %s Job of the same change as it was made, and makes no second one',
    (outcome) => {
      const first = world(changed);
      const made = planParams(contextOf(first))!.children[0]!;
      const later = world({
        ...changed,
        before: changed.spec,
        extraChildren: [observedJob(made, first.parent, outcome)],
      });
      const kept = planParams(contextOf(later))!;
      expect(kept.existing?.metadata.name).toBe(made.metadata.name);
      expect(kept.children).toEqual([made]);
    },
  );
});

describe('the parameter Job in a sync', () => {
  it('is returned with the StatefulSet, whose pod template does not change (no rollout for a DCS change)', () => {
    const before = sync(world({ spec: { postgresqlParams: { max_connections: 200 } } }));
    const after = sync(
      world({
        before: { postgresqlParams: { max_connections: 200 } },
        spec: { postgresqlParams: { max_connections: 300 } },
      }),
    );
    expect(paramsJobs(after.children)).toHaveLength(1);
    const template = (r: typeof after) =>
      (ofKind(r.children, 'StatefulSet')[0]!['spec'] as { template: unknown }).template;
    expect(template(after)).toEqual(template(before));
    expect(conditionOf(after.status, 'ParametersApplied')).toMatchObject({
      status: 'False',
      reason: 'Applying',
    });
  });

  it('reports the parameters members wait to restart for, from Patroni 4 pending_restart_reason', () => {
    const w = world({ spec: { postgresqlParams: { max_connections: 300 } } });
    const related = w.related.map((r) => {
      if (r.kind !== 'Pod' || r.metadata.name !== 'orders-1') return r;
      const status = JSON.parse(r.metadata.annotations!['status']!) as Record<string, unknown>;
      const pending = {
        ...status,
        pending_restart: true,
        pending_restart_reason: { max_connections: { old_value: '200', new_value: '300' } },
      };
      return { ...r, metadata: { ...r.metadata, annotations: { status: JSON.stringify(pending) } } };
    });
    const result = sync({ ...w, related });
    expect(result.status['pendingRestart']).toEqual(['max_connections']);
    expect(conditionOf(result.status, 'ParametersApplied')).toMatchObject({
      status: 'False',
      reason: 'PendingRestart',
    });
  });

  it('says the parameters are applied once Patroni holds them and nobody waits for a restart', () => {
    const result = sync(world({ spec: { postgresqlParams: { max_connections: 300 } } }));
    expect(paramsJobs(result.children)).toEqual([]);
    expect(conditionOf(result.status, 'ParametersApplied')).toMatchObject({
      status: 'True',
      reason: 'Applied',
    });
    expect(result.status).not.toHaveProperty('pendingRestart');
  });

  it('adds no condition to a cluster without DCS-only parameters', () => {
    expect(conditionOf(sync(world()).status, 'ParametersApplied')).toBeUndefined();
  });
});
