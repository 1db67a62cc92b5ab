/**
 * PostgresBackup steps and assertions for lifecycle scenarios, next to the scenario's own
 * given/when/then (which stay about the cluster):
 *
 *   const b = new Backups(s);
 *   b.given.storeCredentials();
 *   await s.given.cluster({ ...HA, backup: MINIO_BACKUP });
 *   b.when.requested('nightly');
 *   await s.settle();
 *   expect(b.then.status('nightly').phase).toBe('Succeeded');
 *
 * What a backup shows is read where a user reads it: the object's status, the columns `kubectl get
 * pgbackup` prints (the CRD's printer columns), the Job and its pods; what WAL-G did is read from the
 * simulated object store (sim/walg.ts).
 */
import type { KubeObject } from '../../hooks/lib/k8s';
import { BACKUP_LABEL } from '../../hooks/postgresbackup/names';
import { loadCrds, printerRow } from './lib/crd';
import type { JsonObject } from './lib/json';
import { USER, type Scenario } from './scenario';

export const STORE_SECRET = 'minio-backup';

/** The README's MinIO store: an S3 endpoint and the credentials Secret {@link STORE_SECRET}. */
export const MINIO_BACKUP = {
  destination: {
    s3: {
      bucket: 'pg-backups',
      endpoint: 'http://minio.minio.svc:9000',
      credentialsSecret: { name: STORE_SECRET },
    },
  },
};

export interface BackupStatusView {
  phase?: string;
  reason?: string;
  message?: string;
  cluster?: string;
  jobName?: string;
  backupName?: string;
  startedAt?: string;
  completedAt?: string;
  observedGeneration?: number;
  conditions?: { type: string; status: string; reason?: string; message?: string }[];
}

interface Terminated {
  exitCode?: number;
  message?: string;
  finishedAt?: string;
}

class BackupGiven {
  private readonly s: Scenario;

  constructor(s: Scenario) {
    this.s = s;
  }

  /** The object store's credentials Secret, with the keys the S3 destination reads by default. */
  storeCredentials(): void {
    this.s.given.secret(STORE_SECRET, {
      AWS_ACCESS_KEY_ID: 'pgmeta',
      AWS_SECRET_ACCESS_KEY: 'minio-secret-key',
    });
  }
}

class BackupWhen {
  private readonly s: Scenario;

  constructor(s: Scenario) {
    this.s = s;
  }

  private event(line: string): void {
    this.s.markNow();
    this.s.trace(`when: ${line}`);
  }

  /** `kubectl apply` of a PostgresBackup of `cluster` (the scenario's cluster by default). */
  requested(name: string, cluster = this.s.name): void {
    this.event(`PostgresBackup ${name} of ${cluster} created`);
    this.s.store.create(
      {
        apiVersion: 'pgmeta.io/v1alpha1',
        kind: 'PostgresBackup',
        // The cluster lists its own backups by this label (hooks/postgrescluster/backup/customize.ts).
        metadata: { name, namespace: this.s.namespace, labels: { 'pgmeta.io/cluster': cluster } },
        spec: { clusterRef: { name: cluster } },
      },
      USER,
    );
  }

  /** `kubectl delete pgbackup <name>`. */
  deleted(name: string): void {
    this.s.when.deleted('PostgresBackup', name);
  }

  /** Every request to the object store fails with `error` (null: it answers again). */
  storeUnreachable(error: string | null): void {
    this.event(error === null ? 'the object store answers again' : `the object store fails: ${error}`);
    this.s.sim.backups.outage = error ?? undefined;
  }
}

class BackupThen {
  private readonly s: Scenario;

  constructor(s: Scenario) {
    this.s = s;
  }

  object(name: string): KubeObject | undefined {
    return this.s.store.get({ kind: 'PostgresBackup', namespace: this.s.namespace, name });
  }

  status(name: string): BackupStatusView {
    return this.object(name)?.['status'] ?? {};
  }

  /** The distinct (phase, reason) pairs the hook reported for the backup since the last `when`. */
  reasonsSinceEvent(name: string): [string, string][] {
    const out: [string, string][] = [];
    for (const r of this.s.syncsSinceMark({ controller: 'postgresbackup', name })) {
      const pair: [string, string] = [String(r.status?.['phase']), String(r.status?.['reason'])];
      const last = out.at(-1);
      if (last?.[0] !== pair[0] || last[1] !== pair[1]) out.push(pair);
    }
    return out;
  }

  /** What the columns of `kubectl get pgbackup <name>` select (the CRD's printer columns). */
  printed(name: string): Record<string, unknown> {
    const crd = loadCrds().find((c) => c.kind === 'PostgresBackup');
    const obj = this.object(name);
    if (!crd || !obj) return this.s.fail(`printed: no CRD or no PostgresBackup ${name}`);
    return printerRow(obj, crd.printerColumns['v1alpha1'] ?? []);
  }

  /** The backup's Jobs as they are now (by the label its pods and Job carry). */
  jobs(name: string): KubeObject[] {
    return this.s.store
      .list('Job', this.s.namespace)
      .filter((j) => j.metadata.labels?.[BACKUP_LABEL] === name);
  }

  /** How many Jobs were ever created for the backup (a re-created Job counts again). */
  jobsCreated(name: string): number {
    return this.s.store.log.filter(
      (c) => c.kind === 'Job' && c.verb === 'create' && c.labels[BACKUP_LABEL] === name,
    ).length;
  }

  /** The pods of the backup's Job, oldest first. */
  pods(name: string): KubeObject[] {
    return this.s.store
      .list('Pod', this.s.namespace)
      .filter((p) => p.metadata.labels?.[BACKUP_LABEL] === name)
      .sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''));
  }

  /** The `terminated` state of a pod's backup container, if it ended. */
  terminated(pod: KubeObject | undefined): Terminated | undefined {
    const statuses = (pod?.['status'] as { containerStatuses?: { name: string; state?: JsonObject }[] })
      .containerStatuses;
    const state = statuses?.find((c) => c.name === 'backup')?.state;
    return state?.['terminated'] as Terminated | undefined;
  }
}

/** The PostgresBackup part of a scenario. */
export class Backups {
  readonly given: BackupGiven;
  readonly when: BackupWhen;
  readonly then: BackupThen;
  private readonly s: Scenario;

  constructor(s: Scenario) {
    this.s = s;
    this.given = new BackupGiven(s);
    this.when = new BackupWhen(s);
    this.then = new BackupThen(s);
  }

  /** Steps until `done()` holds, failing the scenario after `max` steps. */
  async stepUntil(what: string, done: () => boolean, max = 40): Promise<void> {
    for (let i = 0; i < max && !done(); i++) await this.s.step();
    if (!done()) this.s.fail(`stepUntil: ${what} did not happen within ${max} steps`);
  }
}
