/**
 * One disruptive operation at a time (arbitrate), the bootstrap section frozen once Patroni initialised
 * the cluster, and the StorageClass a cluster's customize hook asks for.
 */
import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../../../hooks/lib/k8s';
import { keepBootstrapSection } from '../../../../hooks/postgrescluster/day2/bootstrap-freeze';
import { storageClassRules } from '../../../../hooks/postgrescluster/day2/customize';
import { arbitrate, type Proposal } from '../../../../hooks/postgrescluster/day2/index';
import { planParams } from '../../../../hooks/postgrescluster/day2/params';
import { planRollout } from '../../../../hooks/postgrescluster/day2/rollout';
import { contextOf, ofKind, sync, world } from '../../../support/day2-world';

describe('arbitrate', () => {
  const job = (name: string, state?: 'active' | 'succeeded'): KubeObject => ({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name },
    status: { conditions: state === 'succeeded' ? [{ type: 'Complete', status: 'True' }] : [] },
  });
  const p = (
    operation: Proposal['operation'],
    o: { existing?: KubeObject; disruptive?: boolean } = {},
  ): Proposal => ({
    operation,
    children: [job(operation)],
    disruptive: o.disruptive ?? true,
    ...(o.existing ? { existing: o.existing } : {}),
  });

  it.each([
    [
      'two new disruptive operations: the first goes, the second waits',
      [p('switchover'), p('params')],
      ['switchover'],
      ['params'],
    ],
    [
      'a running one blocks a new one',
      [p('params'), p('rollout', { existing: job('r', 'active') })],
      ['rollout'],
      ['params'],
    ],
    [
      'a finished one blocks nothing',
      [p('params'), p('rollout', { existing: job('r', 'succeeded') })],
      ['params', 'rollout'],
      [],
    ],
    [
      'non-disruptive operations never wait',
      [p('params'), p('rollout'), p('resize', { disruptive: false })],
      ['params', 'resize'],
      ['rollout'],
    ],
    ['nothing to do', [undefined, undefined], [], []],
  ])('%s', (_why, proposals, accepted, deferred) => {
    const result = arbitrate(proposals);
    expect(result.accepted.map((a) => a.operation)).toEqual(accepted);
    expect(result.deferred).toEqual(deferred);
  });

  it('in a sync: an image change and a DCS parameter change run one after the other', () => {
    const w = world({
      before: {},
      spec: { image: 'ghcr.io/zalando/spilo-17:4.0-p4', postgresqlParams: { max_connections: 300 } },
      sts: { revision: 'orders-7c6b5a4d3e', updated: 0 },
    });
    expect(planParams(contextOf(w))).toBeDefined();
    expect(planRollout(contextOf(w))).toBeDefined();
    const result = sync(w);
    const jobs = ofKind(result.children, 'Job').map((j) => j.metadata.name);
    expect(jobs.filter((n) => /-(params|rollout)-/.test(n))).toEqual([
      expect.stringMatching(/^orders-params-/),
    ]);
    expect(result.status['rollout']).toMatchObject({
      phase: 'Pending',
      message: 'waits for another operation to finish',
    });
  });
});

describe('keepBootstrapSection', () => {
  const stsWith = (config: unknown): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 's' },
    spec: {
      template: {
        spec: {
          containers: [
            { name: 'postgres', env: [{ name: 'SPILO_CONFIGURATION', value: JSON.stringify(config) }] },
          ],
        },
      },
    },
  });
  const desired = stsWith({ bootstrap: { dcs: { ttl: 30, x: 2 } }, postgresql: { parameters: { a: '2' } } });
  const observed = stsWith({ bootstrap: { dcs: { ttl: 30, x: 1 } }, postgresql: { parameters: { a: '1' } } });

  it('keeps the observed bootstrap section once Patroni initialised the cluster; the rest follows the spec', () => {
    const kept = keepBootstrapSection(desired, { observed, initialized: true });
    expect(JSON.stringify(kept)).toContain(
      JSON.stringify(
        JSON.stringify({ bootstrap: { dcs: { ttl: 30, x: 1 } }, postgresql: { parameters: { a: '2' } } }),
      ).slice(1, -1),
    );
  });

  it.each([
    ['before initialisation', { observed, initialized: false }],
    ['without an observed StatefulSet', { observed: undefined, initialized: true }],
  ])('changes nothing %s', (_why, o) => {
    expect(keepBootstrapSection(desired, o)).toBe(desired);
  });
});

describe('storageClassRules', () => {
  it.each([
    [{ storage: { size: '1Gi', storageClass: 'fast' } }, { names: ['fast'] }],
    [{ storage: { size: '1Gi' } }, { labelSelector: {} }],
  ])('%j → %j', (spec, rule) => {
    const parent: KubeObject = {
      apiVersion: 'pgmeta.io/v1alpha1',
      kind: 'PostgresCluster',
      metadata: { name: 'x' },
      spec,
    };
    expect(storageClassRules(parent)).toEqual([
      { apiVersion: 'storage.k8s.io/v1', resource: 'storageclasses', ...rule },
    ]);
  });
});
