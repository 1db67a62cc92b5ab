import type { KubeObject } from '../../../../hooks/lib/k8s';
import type { ObservedCluster, ObservedMember } from '../../../../hooks/postgrescluster/observe';
import { decidePhase } from '../../../../hooks/postgrescluster/status/phase';

const rolledOutSts = (replicas: number, o: { updated?: number; rev?: string } = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'db', generation: 2 },
  spec: { replicas },
  status: {
    observedGeneration: 2,
    replicas,
    updatedReplicas: o.updated ?? replicas,
    currentRevision: 'db-1',
    updateRevision: o.rev ?? 'db-1',
  },
});

const member = (ordinal: number, o: Partial<ObservedMember> = {}): ObservedMember => ({
  name: `db-${ordinal}`,
  role: ordinal === 0 ? 'primary' : 'replica',
  state: 'running',
  ready: true,
  pendingRestart: false,
  terminating: false,
  ...o,
});

const pvc = (ordinal: number): KubeObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name: `pgdata-db-${ordinal}` },
});
const initialized: KubeObject = {
  apiVersion: 'v1',
  kind: 'Endpoints',
  metadata: { name: 'db-config', annotations: { initialize: '1' } },
};

function world(o: Partial<ObservedCluster>, bootstrapped = true): ObservedCluster {
  const base = { secrets: {}, jobs: [], members: [], pvcs: [0, 1, 2].map(pvc), childCount: 5 };
  return { ...base, ...(bootstrapped ? { configEndpoints: initialized } : {}), ...o };
}

const three = [member(0), member(1), member(2)];
const failedJob: KubeObject = {
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'db-bootstrap-1' },
  status: { conditions: [{ type: 'Failed', status: 'True' }] },
};

const failedCatalogRun: KubeObject = {
  ...failedJob,
  metadata: { name: 'db-catalog-2', labels: { 'app.kubernetes.io/component': 'backup-catalog' } },
};

describe('decidePhase', () => {
  it.each([
    ['nothing created yet', world({ childCount: 0 }), 3, false, 'Pending'],
    ['finalizing', world({ statefulSet: rolledOutSts(3), members: three }), 3, true, 'Deleting'],
    [
      'no leader ever',
      world({ statefulSet: rolledOutSts(3), members: [member(0, { role: 'unknown', ready: false })] }, false),
      3,
      false,
      'Creating',
    ],
    ['all members ready', world({ statefulSet: rolledOutSts(3), members: three }), 3, false, 'Running'],
    [
      'primary lost after bootstrap',
      world({ statefulSet: rolledOutSts(3), members: [member(1), member(2)] }),
      3,
      false,
      'Degraded',
    ],
    [
      'primary not ready',
      world({ statefulSet: rolledOutSts(3), members: [member(0, { ready: false }), member(1), member(2)] }),
      3,
      false,
      'Degraded',
    ],
    [
      'replica pod lost (its volume exists)',
      world({ statefulSet: rolledOutSts(3), members: [member(0), member(1)] }),
      3,
      false,
      'Degraded',
    ],
    [
      'replica crashed',
      world({
        statefulSet: rolledOutSts(3),
        members: [member(0), member(1), member(2, { state: 'crashed', ready: false })],
      }),
      3,
      false,
      'Degraded',
    ],
    [
      'replica rejoining',
      world({
        statefulSet: rolledOutSts(3),
        members: [member(0), member(1), member(2, { state: 'starting', ready: false })],
      }),
      3,
      false,
      'Recovering',
    ],
    [
      'spec asks for more members',
      world({ statefulSet: rolledOutSts(3), members: three }),
      5,
      false,
      'Scaling',
    ],
    [
      'new member without a volume yet',
      world({ statefulSet: rolledOutSts(5), members: three }),
      5,
      false,
      'Scaling',
    ],
    ['scale-down in progress', world({ statefulSet: rolledOutSts(2), members: three }), 2, false, 'Scaling'],
    [
      'rolling update',
      world({ statefulSet: rolledOutSts(3, { updated: 1, rev: 'db-2' }), members: three }),
      3,
      false,
      'Updating',
    ],
    [
      'bootstrap job failed',
      world({ statefulSet: rolledOutSts(3), members: three, jobs: [failedJob] }),
      3,
      false,
      'Failed',
    ],
    [
      'a backup catalog run failed (status.backup.catalogError says so, the cluster runs)',
      world({ statefulSet: rolledOutSts(3), members: three, jobs: [failedCatalogRun] }),
      3,
      false,
      'Running',
    ],
  ])('%s → %s', (_name, observed, desired, finalizing, phase) => {
    expect(decidePhase({ observed, desiredReplicas: desired, finalizing }).phase).toBe(phase);
  });

  it('names the lost member count and the primary problem in its messages', () => {
    const lost = decidePhase({
      observed: world({ statefulSet: rolledOutSts(3), members: [member(0), member(1)] }),
      desiredReplicas: 3,
      finalizing: false,
    });
    expect(lost).toEqual({
      phase: 'Degraded',
      reason: 'MemberLost',
      message: '1 member pod(s) missing: 2 of 3 members ready',
    });
  });

  it('a former primary on a lost node (stale label, not the lock holder) is unreachable, not recovering', () => {
    const members = [
      member(0, { role: 'unknown', staleLeader: true, ready: false }),
      member(1, { role: 'primary' }),
      member(2),
    ];
    const verdict = decidePhase({
      observed: world({ statefulSet: rolledOutSts(3), members }),
      desiredReplicas: 3,
      finalizing: false,
    });
    expect(verdict).toEqual({
      phase: 'Degraded',
      reason: 'MemberUnreachable',
      message: 'db-0 cannot be reached (it keeps the primary label of a lock it lost): 2 of 3 members ready',
    });
  });

  describe('a member replaced is not a rollout (revision counts leave terminating pods out)', () => {
    const onDelete = (updated: number): KubeObject => {
      const sts = rolledOutSts(3, { updated, rev: 'db-2' });
      return { ...sts, spec: { replicas: 3, updateStrategy: { type: 'OnDelete' } } };
    };
    const at =
      (rev: string, o: Partial<ObservedMember> = {}) =>
      (i: number) =>
        member(i, { revision: rev, ...o });

    it.each([
      [
        'a terminating replica, its replacement not created yet',
        [at('db-2')(0), at('db-2')(1), at('db-2', { terminating: true, ready: false })(2)],
        2,
        'Degraded',
      ],
      [
        'a replacement starting',
        [at('db-2')(0), at('db-2')(1), at('db-2', { ready: false })(2)],
        3,
        'Recovering',
      ],
      ['a live member on the older revision', [at('db-2')(0), at('db-2')(1), at('db-1')(2)], 2, 'Updating'],
    ])('OnDelete: %s', (_why, members, updated, phase) => {
      const observed = world({ statefulSet: onDelete(updated), members });
      expect(decidePhase({ observed, desiredReplicas: 3, finalizing: false }).phase).toBe(phase);
    });
  });
});
