/** The Job every day-2 operation runs in: bounded, unprivileged, named by what it applies. */
import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../../../hooks/lib/k8s';
import {
  BACKOFF_LIMIT,
  buildOperationJob,
  jobFailure,
  jobState,
  PATRONI_CLIENT_LABEL,
  shortHash,
  type OperationJob,
} from '../../../../hooks/postgrescluster/day2/job';
import { buildOperationRbac, namedRule } from '../../../../hooks/postgrescluster/day2/rbac';
import { aCluster } from '../../../support/cluster-fixture';

const base: OperationJob = {
  operation: 'switchover',
  hash: 'abcd1234',
  script: 'print(1)',
  env: [
    { name: 'B', value: '2' },
    { name: 'A', value: '1' },
    { name: 'EMPTY', value: '' },
  ],
  annotations: { 'pgmeta.io/switchover-target': 'x' },
  deadlineSeconds: 900,
  patroniClient: true,
  kubernetesApi: false,
};

interface JobShape {
  spec: {
    backoffLimit: number;
    activeDeadlineSeconds: number;
    ttlSecondsAfterFinished?: number;
    template: {
      metadata: { labels: Record<string, string> };
      spec: {
        restartPolicy: string;
        serviceAccountName?: string;
        automountServiceAccountToken?: boolean;
        securityContext: Record<string, unknown>;
        tolerations?: unknown[];
        containers: {
          command: string[];
          env: { name: string }[];
          securityContext: Record<string, unknown>;
        }[];
      };
    };
  };
}

const shape = (j: KubeObject) => j as unknown as KubeObject & JobShape;

describe('buildOperationJob', () => {
  const cluster = aCluster().withName('orders').withNamespace('shop').build();

  it('is named <cluster>-<operation>-<hash> and says which operation it runs', () => {
    const job = buildOperationJob(cluster, base);
    expect(job.metadata.name).toBe('orders-switchover-abcd1234');
    expect(job.metadata.namespace).toBe('shop');
    expect(job.metadata.annotations).toEqual({
      'pgmeta.io/switchover-target': 'x',
      'pgmeta.io/operation': 'switchover',
    });
    expect(job.metadata.labels?.['app.kubernetes.io/component']).toBe('operations');
  });

  it('is bounded and never garbage-collected by a TTL (the hook would make it again)', () => {
    const { spec } = shape(buildOperationJob(cluster, base));
    expect(spec.backoffLimit).toBe(BACKOFF_LIMIT);
    expect(spec.activeDeadlineSeconds).toBe(900);
    expect(spec).not.toHaveProperty('ttlSecondsAfterFinished');
    expect(spec.template.spec.restartPolicy).toBe('Never');
  });

  it('runs as a non-root user with seccomp, no privilege escalation and no capabilities', () => {
    const pod = shape(buildOperationJob(cluster, base)).spec.template.spec;
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.containers[0]?.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod.containers[0]?.command).toEqual(['python3', '-c', 'print(1)']);
    expect(pod.containers[0]?.env.map((e) => e.name)).toEqual([
      'A',
      'B',
      'PATRONI_RESTAPI_PASSWORD',
      'PATRONI_RESTAPI_USERNAME',
    ]);
  });

  it.each([
    ['a Patroni client without API access', base, { label: 'true', account: undefined, token: false }],
    [
      'a Kubernetes API client',
      { ...base, operation: 'rollout' as const, patroniClient: false, kubernetesApi: true },
      { label: undefined, account: 'orders-rollout', token: undefined },
    ],
  ])('%s: labels and account', (_what, input, want) => {
    const t = shape(buildOperationJob(cluster, input)).spec.template;
    expect(t.metadata.labels[PATRONI_CLIENT_LABEL]).toBe(want.label);
    expect(t.spec.serviceAccountName).toBe(want.account);
    expect(t.spec.automountServiceAccountToken).toBe(want.token === false ? false : undefined);
  });

  it('runs where the database pods may run (tolerations)', () => {
    const tolerated = aCluster()
      .withScheduling({ tolerations: [{ key: 'db', operator: 'Exists', effect: 'NoSchedule' }] })
      .build();
    expect(shape(buildOperationJob(tolerated, base)).spec.template.spec.tolerations).toHaveLength(1);
  });
});

describe('jobState and jobFailure', () => {
  const job = (conditions: unknown[]): KubeObject => ({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'j' },
    status: { conditions },
  });
  it.each([
    ['no condition yet', [], 'active'],
    ['Complete', [{ type: 'Complete', status: 'True' }], 'succeeded'],
    ['Failed', [{ type: 'Failed', status: 'True', reason: 'DeadlineExceeded' }], 'failed'],
    ['a Failed condition that is not true', [{ type: 'Failed', status: 'False' }], 'active'],
  ])('%s → %s', (_what, conditions, state) => {
    expect(jobState(job(conditions))).toBe(state);
  });

  it('says why a Job failed', () => {
    const failed = job([
      { type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'too many' },
    ]);
    expect(jobFailure(failed)).toBe('BackoffLimitExceeded: too many');
  });
});

describe('shortHash', () => {
  it('is 8 hex characters, independent of key order, different for different values', () => {
    expect(shortHash({ a: 1, b: 2 })).toMatch(/^[0-9a-f]{8}$/);
    expect(shortHash({ a: 1, b: 2 })).toBe(shortHash({ b: 2, a: 1 }));
    expect(shortHash({ a: 1 })).not.toBe(shortHash({ a: 2 }));
  });
});

describe('buildOperationRbac', () => {
  it('binds a Role of named rules to the operation account, in the cluster namespace', () => {
    const cluster = aCluster().withName('orders').withNamespace('shop').build();
    const rule = namedRule({
      group: '',
      resource: 'pods',
      verbs: ['get', 'delete'],
      names: ['orders-1', 'orders-0'],
    });
    const [sa, role, binding] = buildOperationRbac(cluster, 'rollout', [rule]);
    expect([sa.metadata.name, role.metadata.name, binding.metadata.name]).toEqual([
      'orders-rollout',
      'orders-rollout',
      'orders-rollout',
    ]);
    expect(role.rules).toEqual([
      {
        apiGroups: [''],
        resources: ['pods'],
        resourceNames: ['orders-0', 'orders-1'],
        verbs: ['delete', 'get'],
      },
    ]);
    expect(binding.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'Role',
      name: 'orders-rollout',
    });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'orders-rollout', namespace: 'shop' }]);
  });
});
