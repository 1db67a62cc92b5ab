/**
 * `backup CLUSTER [--name NAME]`: creates a PostgresBackup (the CR pgmeta offers for on-demand base
 * backups) and with `--wait` follows its status to Succeeded or Failed.
 */
import { flagValue, UsageError, type Parsed } from '../args.js';
import { CLUSTER_LABEL } from '../../postgrescluster/names.js';
import type { CliIo } from '../io.js';
import type { KubeObject } from '../../lib/k8s.js';
import { CliError } from '../main.js';
import { connect } from '../kube/client.js';
import { waitFor } from '../kube/wait.js';
import { clusterArg, reportOutcome, waitFlags } from './common.js';

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** `<cluster>-<UTC yyyymmdd-hhmmss>`: sorts by time, a valid object name. */
export function defaultBackupName(cluster: string, now: Date): string {
  const t = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${cluster}-${t}`;
}

interface BackupStatus {
  phase?: string;
  reason?: string;
  message?: string;
  backupName?: string;
  completedAt?: string;
}

export async function backup(p: Parsed, io: CliIo): Promise<number> {
  const cluster = clusterArg(p);
  const name = flagValue(p, '--name') ?? defaultBackupName(cluster, io.now?.() ?? new Date());
  if (!NAME.test(name) || name.length > 253)
    throw new UsageError(
      `--name ${JSON.stringify(name)} is not a valid object name (lower-case letters, digits and '-')`,
    );
  const w = waitFlags(p, '1h');
  const kube = await connect(p, io);
  const c = await kube.cluster(cluster);
  if ((c['spec'] as { backup?: unknown } | undefined)?.backup === undefined)
    throw new CliError(
      `${cluster} has no spec.backup: configure a backup destination first (docs/backup.md "Backups and restore")`,
    );
  await kube.create('PostgresBackup', {
    apiVersion: 'pgmeta.io/v1alpha1',
    kind: 'PostgresBackup',
    // The label lets the cluster list it in status.backup (it selects its own PostgresBackups by it).
    metadata: { name, namespace: kube.namespace, labels: { [CLUSTER_LABEL]: cluster } },
    spec: { clusterRef: { name: cluster } },
  });
  io.out(`postgresbackup/${name} created for ${cluster}`);
  if (!w.wait) return 0;
  const statusOf = (o: KubeObject | undefined): BackupStatus => o?.['status'] ?? {};
  const outcome = await waitFor(kube, {
    kind: 'PostgresBackup',
    name,
    timeoutMs: w.timeoutMs,
    what: `backup ${name}`,
    log: io.err,
    progress: (o) =>
      statusOf(o).phase
        ? `backup ${statusOf(o).phase ?? ''}${statusOf(o).message ? `: ${statusOf(o).message ?? ''}` : ''}`
        : undefined,
    check: (o) => {
      if (!o) return { ok: false, message: `postgresbackup/${name} was deleted` };
      const s = statusOf(o);
      if (s.phase === 'Succeeded')
        return {
          ok: true,
          message: `backup ${name} succeeded: ${s.backupName ?? '?'} at ${s.completedAt ?? '?'}`,
        };
      if (s.phase === 'Failed')
        return { ok: false, message: `backup ${name} failed (${s.reason ?? 'unknown'}): ${s.message ?? ''}` };
      return undefined;
    },
  });
  return reportOutcome(outcome, io);
}
