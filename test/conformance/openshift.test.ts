/**
 * The OpenShift profile (`spec.platform: openshift`, docs/openshift.md): every pod a cluster runs (its
 * members, poolers, bootstrap, backup, day-2 and database Jobs) is admitted by OpenShift's default
 * SCC restricted-v2 in any project (test/support/restricted-v2.ts), and validates against the
 * Kubernetes OpenAPI schemas. The Kubernetes profile, with its fixed ids, is refused: the check can fail.
 */
import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../hooks/lib/k8s';
import { buildBackupJob } from '../../hooks/postgresbackup/job';
import { renderChildren } from '../../hooks/postgrescluster/render';
import { cleanupChildren } from '../../hooks/postgrescluster/day2/cleanup';
import type { ResolvedCluster } from '../../hooks/postgrescluster/spec/resolved';
import { clusterEndpoint } from '../../hooks/postgresdatabase/cluster';
import { sqlJob } from '../../hooks/postgresdatabase/job';
import { resolvedCluster } from '../support/cluster-world';
import { podSpecOf, restrictedV2Violations } from '../support/restricted-v2';
import { invalidEntries, validateObjects } from './run-validate';

const FULL = {
  version: '16',
  replicas: 3,
  storage: { size: '10Gi' },
  pgbouncer: { enabled: true, readOnlyPooler: true },
  metrics: { enabled: true },
  tls: { issuerRef: { name: 'ca', kind: 'ClusterIssuer' } },
  backup: {
    destination: { s3: { bucket: 'pg-backups', region: 'eu-central-1', credentialsSecret: { name: 'aws' } } },
  },
};

/** Every workload a cluster of this spec runs, whatever the moment: members, Jobs, poolers. */
function workloads(cluster: ResolvedCluster): KubeObject[] {
  const children = renderChildren(cluster, {
    operatorKey: new Uint8Array(32).fill(7),
    observedSecrets: {},
    specJson: '{}',
    certificateCa: true,
  });
  const endpoint = clusterEndpoint(cluster.name, cluster.namespace);
  return [
    ...children,
    ...cleanupChildren(cluster),
    buildBackupJob({ name: 'orders-backup-x', backupName: 'nightly', id: 'x', cluster }),
    sqlJob({
      parent: 'shop',
      action: 'apply',
      script: 'select 1',
      revision: 'r1',
      image: cluster.image,
      pullSecrets: [],
      platform: cluster.platform,
      endpoint,
      passwordEnv: [],
    }),
  ].filter((o) => podSpecOf(o) !== undefined);
}

describe('spec.platform: openshift', () => {
  const cluster = resolvedCluster({ ...FULL, platform: 'openshift' });
  const pods = workloads(cluster);

  it('runs members, poolers and every Job', () => {
    expect(new Set(pods.map((p) => p.kind))).toEqual(new Set(['StatefulSet', 'Deployment', 'Job']));
  });

  it.each(pods.map((p) => [`${p.kind}/${p.metadata.name}`, p] as const))(
    '%s is admitted by restricted-v2',
    (_name, workload) => {
      expect(restrictedV2Violations(podSpecOf(workload)!)).toEqual([]);
    },
  );

  it('leaves runAsGroup to the platform too (Spilo needs group 0 to rewrite /etc/passwd)', () => {
    for (const p of pods) expect(podSpecOf(p)!['securityContext']).not.toHaveProperty('runAsGroup');
  });

  it('keeps Patroni on ConfigMaps and validates against the Kubernetes OpenAPI schemas', () => {
    expect(cluster.patroni.dcs).toBe('configmaps');
    const run = validateObjects(pods);
    expect(invalidEntries(run.report)).toEqual([]);
    expect(run.exitCode).toBe(0);
  });
});

describe('spec.platform: kubernetes', () => {
  it('fixes the image ids, which restricted-v2 refuses: the check can fail', () => {
    const pods = workloads(resolvedCluster(FULL));
    const sts = pods.find((p) => p.kind === 'StatefulSet')!;
    expect(restrictedV2Violations(podSpecOf(sts)!)).toEqual(['pod: fixes runAsUser', 'pod: fixes fsGroup']);
  });

  it('names a privileged container, a host network, an added capability and a hostPath', () => {
    const bad = {
      hostNetwork: true,
      volumes: [{ name: 'h', hostPath: { path: '/' } }],
      containers: [
        {
          name: 'c',
          ports: [{ containerPort: 1, hostPort: 1 }],
          securityContext: { privileged: true, capabilities: { add: ['SYS_ADMIN'] } },
        },
      ],
    };
    expect(restrictedV2Violations(bad)).toEqual([
      'pod: hostNetwork',
      'volume h: type hostPath',
      'c: privileged',
      'c: allowPrivilegeEscalation is not false',
      'c: does not drop ALL',
      'c: adds SYS_ADMIN',
      'c: hostPort 1',
    ]);
  });
});
