/**
 * The PostgresBackup hook: validation agrees with its CRD, the Job is created once and only when the
 * cluster can take a backup, it runs where Spilo's own backups run, and status follows the Job.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import Ajv from 'ajv';
import { parse } from 'yaml';
import type { KubeObject } from '../../../hooks/lib/k8s.js';
import { customizeBackup } from '../../../hooks/postgresbackup/customize.js';
import { backupJobName } from '../../../hooks/postgresbackup/names.js';
import { observeJob, parseResult } from '../../../hooks/postgresbackup/observe.js';
import { checkBackupObject } from '../../../hooks/postgresbackup/spec.js';
import {
  backupPod,
  clusterWithStatus,
  jobAt,
  postgresBackup,
  syncBackupWorld,
} from '../../support/backup-world.js';
import { minioCluster, CASES as CLUSTER_CASES } from '../../golden/backup/cases.js';

const crd = parse(readFileSync(join(__dirname, '..', '..', '..', 'crds', 'postgresbackups.yaml'), 'utf8'));
const root = crd.spec.versions[0].schema.openAPIV3Schema;

describe('PostgresBackup validation agrees with the CRD', () => {
  const specSchema = new Ajv({ strict: false }).compile(root.properties.spec);
  const rootRules = (root['x-kubernetes-validations'] as { rule: string }[]).map((r) => r.rule);

  it('has the root rules the hook repeats', () => {
    expect(rootRules).toEqual([
      'size(self.metadata.name) <= 52',
      "self.metadata.name.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$')",
    ]);
  });

  it.each([
    ['a valid backup', 'nightly-1', { clusterRef: { name: 'orders' } }, true],
    ['a 52-character name', 'a'.repeat(52), { clusterRef: { name: 'orders' } }, true],
    ['a 53-character name', 'a'.repeat(53), { clusterRef: { name: 'orders' } }, false],
    ['a name with a dot', 'nightly.1', { clusterRef: { name: 'orders' } }, false],
    ['no clusterRef', 'b', {}, false],
    ['a cluster name with upper case', 'b', { clusterRef: { name: 'Orders' } }, false],
    ['a 41-character cluster name', 'b', { clusterRef: { name: `a${'b'.repeat(40)}` } }, false],
    ['a cluster name starting with a digit', 'b', { clusterRef: { name: '1orders' } }, false],
  ])('%s', (_what, name, spec, valid) => {
    const byCrd = specSchema(spec) && name.length <= 52 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name);
    const byHook = checkBackupObject({ ...postgresBackup(name, 'x'), spec }).ok;
    expect({ byCrd, byHook }).toEqual({ byCrd: valid, byHook: valid });
  });

  it('prints Cluster, Phase, Backup, Started, Completed and Age', () => {
    expect(crd.spec.names.shortNames).toEqual(['pgbackup']);
    expect(crd.spec.versions[0].subresources).toEqual({ status: {} });
    expect(crd.spec.versions[0].additionalPrinterColumns.map((c: { name: string }) => c.name)).toEqual([
      'Cluster',
      'Phase',
      'Backup',
      'Started',
      'Completed',
      'Age',
    ]);
  });
});

const ready = () => clusterWithStatus(minioCluster());
const fresh = () => postgresBackup('nightly', 'orders');

describe('the backup Job', () => {
  it('is created when the cluster archives with WAL-G and has a primary', () => {
    const res = syncBackupWorld({ parent: fresh(), cluster: ready(), pods: [] });
    expect(res.children.map((c) => `${c.kind}/${c.metadata.name}`)).toEqual([
      `Job/${backupJobName('nightly', fresh().metadata.uid ?? '')}`,
    ]);
    expect(res.status).toMatchObject({ phase: 'Pending', reason: 'JobCreated', cluster: 'orders' });
  });

  it.each([
    ['the cluster does not exist', undefined, 'ClusterNotFound'],
    [
      'a Secret of the cluster backup is missing',
      () => clusterWithStatus(CLUSTER_CASES['missing-secret']!()),
      'BackupNotConfigured',
    ],
    [
      'the cluster has no spec.backup',
      () => {
        const c = ready();
        const { backup: _b, ...spec } = c['spec'] as Record<string, unknown>;
        return { ...c, spec };
      },
      'BackupNotConfigured',
    ],
    [
      'the members still run without the archive (a rollout after spec.backup was added)',
      () => {
        const c = ready();
        const status = c['status'] as { conditions: { type: string }[] };
        const conditions = status.conditions.map((x) =>
          x.type === 'BackupConfigured'
            ? { ...x, status: 'False', reason: 'RollingOut', message: 'orders-0 still runs without it' }
            : x,
        );
        return { ...c, status: { ...status, conditions } };
      },
      'ClusterNotReady',
    ],
    [
      'the cluster is being restored (it archives once that has finished)',
      () => {
        const c = ready();
        const status = c['status'] as { conditions: { type: string }[] };
        const conditions = status.conditions.map((x) =>
          x.type === 'BackupConfigured'
            ? {
                ...x,
                status: 'False',
                reason: 'WaitingForRestore',
                message: 'archiving starts once the restore has finished',
              }
            : x,
        );
        return { ...c, status: { ...status, conditions } };
      },
      'ClusterNotReady',
    ],
    [
      'the cluster has no primary',
      () => {
        const c = ready();
        const { primary: _p, ...status } = c['status'] as Record<string, unknown>;
        return { ...c, status };
      },
      'ClusterNotReady',
    ],
  ])('waits (no Job, Pending) while %s', (_what, cluster, reason) => {
    const res = syncBackupWorld({ parent: fresh(), ...(cluster ? { cluster: cluster() } : {}), pods: [] });
    expect(res.children).toEqual([]);
    expect(res.status).toMatchObject({ phase: 'Pending', reason });
  });

  function renderedJob(fromReplica = false): KubeObject {
    const cluster = ready();
    if (fromReplica) {
      const spec = cluster['spec'] as { backup: Record<string, unknown> };
      spec.backup = { ...spec.backup, backupFromReplica: true };
    }
    const job = syncBackupWorld({ parent: fresh(), cluster, pods: [] }).children[0];
    if (!job) throw new Error('no Job');
    return job;
  }
  const podSpec = (job: KubeObject) =>
    (
      job['spec'] as {
        template: {
          spec: Record<string, unknown> & { containers: { env: { name: string; value?: string }[] }[] };
        };
      }
    ).template.spec;
  const env = (job: KubeObject, n: string) =>
    podSpec(job).containers[0]?.env.find((e) => e.name === n)?.value;

  it('connects to the primary, or to the replicas when the cluster backs up from replicas', () => {
    expect(env(renderedJob(), 'PGHOST')).toBe('orders.shop.svc');
    expect(env(renderedJob(true), 'PGHOST')).toBe('orders-ro.shop.svc');
  });

  it("runs where the cluster's Jobs run: its tolerations and node selector", () => {
    expect(podSpec(renderedJob())['tolerations']).toBeUndefined();
    const cluster = ready();
    const spec = cluster['spec'] as Record<string, unknown>;
    const toleration = { key: 'dedicated', operator: 'Equal', value: 'postgres', effect: 'NoSchedule' };
    Object.assign(spec, { tolerations: [toleration], nodeSelector: { pool: 'db' } });
    const job = syncBackupWorld({ parent: fresh(), cluster, pods: [] }).children[0];
    expect(job && podSpec(job)['tolerations']).toEqual([toleration]);
    expect(job && podSpec(job)['nodeSelector']).toEqual({ pool: 'db' });
  });

  it('has no Kubernetes API access and is never counted as a member', () => {
    const job = renderedJob();
    expect(podSpec(job)['automountServiceAccountToken']).toBe(false);
    const labels = (job['spec'] as { template: { metadata: { labels: Record<string, string> } } }).template
      .metadata.labels;
    expect(labels['app.kubernetes.io/component']).toBe('backup');
    expect(labels['application']).toBeUndefined(); // Patroni's member label
    expect(labels['pgmeta.io/postgresbackup']).toBe('nightly');
  });

  it('is kept as observed, and never created twice for a finished backup', () => {
    const job = jobAt(renderedJob(), fresh(), 'succeeded');
    const kept = syncBackupWorld({ parent: fresh(), cluster: ready(), job, pods: [] });
    expect(kept.children.map((c) => c.metadata.name)).toEqual([job.metadata.name]);
    expect(kept.children[0]?.['status']).toBeUndefined();
    const done = postgresBackup('nightly', 'orders', {
      status: { phase: 'Succeeded', backupName: 'base_1' },
    });
    const again = syncBackupWorld({ parent: done, cluster: ready(), pods: [] });
    expect(again.children).toEqual([]);
    expect(again.status).toMatchObject({ phase: 'Succeeded', backupName: 'base_1' });
  });

  it('is kept, and nothing new started, when the object is invalid', () => {
    const job = jobAt(renderedJob(), fresh(), 'running');
    const bad = { ...fresh(), spec: { clusterRef: { name: 'Bad_Name' } } };
    const res = syncBackupWorld({ parent: bad, cluster: ready(), job, pods: [] });
    expect(res.children.map((c) => c.metadata.name)).toEqual([job.metadata.name]);
    expect(res.status).toMatchObject({ phase: 'Failed', reason: 'InvalidSpec' });
  });
});

describe('observeJob', () => {
  const job = () =>
    jobAt(syncBackupWorld({ parent: fresh(), cluster: ready(), pods: [] }).children[0]!, fresh(), 'running');

  it.each([
    ['ContainerCreating', 'pending'],
    ['CreateContainerConfigError', 'pending'],
  ])('is pending while the pod waits in %s', (reason, state) => {
    const j = job();
    expect(observeJob(j, [backupPod(j, { waiting: reason })])).toMatchObject({ state, reason });
  });

  it('ignores a pod of another Job name in sync (a predecessor of the same name)', () => {
    const j = job();
    const stranger = backupPod(
      { ...j, metadata: { ...j.metadata, name: 'nightly-00000000' } },
      { running: true },
    );
    const res = syncBackupWorld({ parent: fresh(), cluster: ready(), job: j, pods: [stranger] });
    expect(res.status).toMatchObject({ phase: 'Pending', reason: 'JobPending' });
  });

  it.each([
    [
      'the success line',
      '{"backupName" : "base_1", "startTime" : "2026-11-21T09:40:05Z", "finishTime" : "bad"}',
      { backupName: 'base_1', startTime: '2026-11-21T09:40:05Z' },
    ],
    ['an error text', 'wal-g backup-push exited with 1: boom', undefined],
    ['JSON without a name', '{"backupName": ""}', undefined],
    ['nothing', undefined, undefined],
  ])('parseResult reads %s', (_what, message, expected) => {
    expect(parseResult(message)).toEqual(expected);
  });
});

describe('customizeBackup', () => {
  it('observes the named cluster and the Job pods of this backup, in its namespace', () => {
    const res = customizeBackup({
      controller: { apiVersion: 'v1', kind: 'X', metadata: { name: 'c' } },
      parent: fresh(),
    });
    expect(res.relatedResources).toEqual([
      {
        apiVersion: 'pgmeta.io/v1alpha1',
        resource: 'postgresclusters',
        namespace: 'shop',
        names: ['orders'],
      },
      {
        apiVersion: 'v1',
        resource: 'pods',
        namespace: 'shop',
        labelSelector: { matchLabels: { 'pgmeta.io/postgresbackup': 'nightly' } },
      },
    ]);
  });

  it('observes nothing for an invalid object', () => {
    const bad = { ...fresh(), spec: {} };
    expect(
      customizeBackup({ controller: { apiVersion: 'v1', kind: 'X', metadata: { name: 'c' } }, parent: bad }),
    ).toEqual({
      relatedResources: [],
    });
  });
});
