/**
 * The benchmark's Metacontroller requests: a 1-member and a 3-member PostgresCluster with every spec
 * feature set, in the converged steady state that dominates a real fleet (every resync of a healthy
 * cluster): the children as the API server stores them (uid, managedFields, controller ownerReference,
 * server defaults, controller status), the Pods with Patroni's status annotation, the PVCs and
 * Patroni's Endpoints, and the parent carrying the status of the previous sync.
 *
 * Built from the project's own fixtures (test/support), which run the real hook, so the payloads never
 * drift from what the hook renders. Steady state matters for the ETag measurement: the response of a
 * converged cluster does not depend on the clock, so every call is byte-identical.
 */
import type { KubeObject } from '../../hooks/lib/k8s';
import { appliedWith, userSecret } from '../../test/support/backup-world';
import {
  parentFrom,
  relatedFor,
  request,
  sync,
  type MemberSpec,
  type World,
} from '../../test/support/cluster-world';

export const PAYLOAD_NAMES = ['1-member', '3-member'] as const;
export type PayloadName = (typeof PAYLOAD_NAMES)[number];

/** The route both payloads are posted to (the CompositeController's sync hook URL path). */
export const SYNC_PATH = '/postgrescluster/sync';

/**
 * Every top-level field of the PostgresCluster spec, each set to a non-default value, so each
 * feature's builders and checks run. test/bench/payloads.test.ts fails when the CRD gains a field
 * that is not set here: a new feature must be in the benchmark.
 */
export function fullSpec(replicas: number): Record<string, unknown> {
  return {
    version: '17',
    image: 'ghcr.io/zalando/spilo-17:4.0-p3',
    replicas,
    storage: {
      // The size of the PVCs the fixtures observe: a larger one would be a volume resize in progress.
      size: '10Gi',
      storageClass: 'fast-ssd',
      retentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Delete' },
    },
    resources: { requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '2', memory: '2Gi' } },
    postgresqlParams: {
      shared_buffers: '512MB',
      effective_cache_size: '1536MB',
      work_mem: '16MB',
      max_connections: 200,
      checkpoint_timeout: '15min',
      log_min_duration_statement: '500ms',
      random_page_cost: '1.1',
    },
    pgHba: ['hostssl app all 10.20.0.0/16 scram-sha-256', 'hostssl legacy legacy_app 10.30.0.0/16 md5'],
    // The legacy client only speaks md5 (an explicit opt-in).
    pgHbaAllowInsecure: ['md5'],
    // Synchronous replication needs a replica to wait for (a CEL rule): off on a single member.
    synchronous: replicas > 1 ? { mode: 'sync', nodeCount: 1 } : { mode: 'async', nodeCount: 1 },
    bootstrap: { database: 'orders', owner: 'orders_owner' },
    service: {
      type: 'LoadBalancer',
      externalTrafficPolicy: 'Local',
      loadBalancerSourceRanges: ['10.20.0.0/16', '192.168.10.0/24'],
      annotations: { 'service.beta.kubernetes.io/aws-load-balancer-internal': 'true' },
    },
    tls: { enabled: true },
    pgbouncer: {
      enabled: true,
      replicas: 2,
      poolMode: 'transaction',
      maxClientConn: 2000,
      defaultPoolSize: 25,
      maxDbConnections: 100,
      resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '128Mi' } },
      readOnlyPooler: true,
    },
    backup: {
      destination: {
        s3: {
          bucket: 'pg-backups',
          endpoint: 'http://minio.minio.svc:9000',
          credentialsSecret: { name: BACKUP_SECRET },
        },
      },
      path: 'shop/orders',
      schedule: '30 2 * * *',
      retention: { count: 7 },
      compression: 'zstd',
      // Needs a replica to run on (a CEL rule).
      backupFromReplica: replicas > 1,
      encryption: { method: 'libsodium', keySecret: { name: ENCRYPTION_SECRET } },
      uploadConcurrency: 4,
      downloadConcurrency: 4,
    },
    networkPolicy: {
      enabled: true,
      allowFrom: [
        {
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } },
          podSelector: { matchLabels: { app: 'orders-api' } },
        },
      ],
      allowCidrs: ['10.20.0.0/16'],
    },
    metrics: { enabled: true },
    // Endpoints, the default: related objects then hold Patroni's Endpoints, as the payload's are.
    platform: 'kubernetes',
    patroni: { dcs: 'endpoints' },
    // The JSON log on stdout adds the follower container to every member.
    logging: { destination: 'stdout', format: 'json' },
    // The connections trigger logs in as the monitoring role, which needs metrics.
    scaling: {
      enabled: true,
      minReplicas: 2,
      maxReplicas: 6,
      cpuTargetUtilization: 70,
      connectionsPerReplica: 200,
      maxLagBytes: 33554432,
    },
    // restore and standby exclude each other (Spilo reads STANDBY_* only when it does not clone): the
    // 1-member cluster is a standby following another site, the 3-member one was restored. The
    // 3-member cluster stays an ordinary one: a standby's answers are never memoized (facts.ts).
    ...(replicas === 1 ? { standby: standbySpec() } : { restore: restoreSpec() }),
    affinity: {
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          {
            topologyKey: 'kubernetes.io/hostname',
            labelSelector: { matchLabels: { 'pgmeta.io/cluster': 'orders' } },
          },
        ],
      },
    },
    tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'postgres', effect: 'NoSchedule' }],
    nodeSelector: { 'node.kubernetes.io/instance-type': 'm6i.2xlarge' },
    topologySpreadConstraints: [
      { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway' },
    ],
    priorityClassName: 'database-critical',
    // Day-2 controls: a paused or stopped cluster would skip the work being measured, so both are off;
    // the switchover names the primary, which the hook reports as done without making a Job.
    paused: false,
    stopped: false,
    primaryUpdateMethod: 'restart',
    switchover: { target: 'orders-0' },
    // Image updates held for a weekly window: the policy's comparison runs on every sync.
    maintenance: { imageUpdates: 'Window', window: { days: ['Sun'], start: '02:00', durationMinutes: 120 } },
    // Generations the Secrets already hold (none observed here: the Secrets are created with them).
    credentialRotation: { app: 1, superuser: 1, replication: 1, pooler: 1, monitoring: 1 },
  };
}

/** A cluster created from another one's backups keeps spec.restore for life (it cannot change). */
function restoreSpec(): Record<string, unknown> {
  return {
    source: {
      s3: {
        bucket: 'pg-backups',
        endpoint: 'http://minio.minio.svc:9000',
        credentialsSecret: { name: BACKUP_SECRET },
      },
      cluster: { name: 'orders-old', uid: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d' },
    },
    target: { latest: true },
  };
}

/** A standby of the primary site, streaming and with its archive, credentials copied from it. */
function standbySpec(): Record<string, unknown> {
  return {
    host: 'orders.dc1.example.com',
    archive: {
      s3: {
        bucket: 'pg-backups',
        endpoint: 'http://minio.minio.svc:9000',
        credentialsSecret: { name: BACKUP_SECRET },
      },
      cluster: { name: 'orders', uid: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', namespace: 'dc1' },
    },
    credentials: {
      superuserSecret: { name: SOURCE_SECRETS.superuser },
      replicationSecret: { name: SOURCE_SECRETS.replication },
      appSecret: { name: SOURCE_SECRETS.app },
    },
  };
}

/** Copies of the primary site's credential Secrets (spec.standby.credentials). */
const SOURCE_SECRETS = {
  superuser: 'dc1-superuser',
  replication: 'dc1-replication',
  app: 'dc1-app',
} as const;

/** The user Secrets the backup and restore settings name, as the API server returns them. */
const BACKUP_SECRET = 'minio-backup';
const ENCRYPTION_SECRET = 'backup-encryption';

function userSecrets(): KubeObject[] {
  return [
    userSecret(BACKUP_SECRET, {
      AWS_ACCESS_KEY_ID: 'pgmeta',
      AWS_SECRET_ACCESS_KEY: 'bench-secret-key-0123456789',
    }),
    userSecret(ENCRYPTION_SECRET, { key: Buffer.alloc(32, 7).toString('base64') }),
    ...Object.values(SOURCE_SECRETS).map((name) => userSecret(name, { password: `${name}-password` })),
  ];
}

/** Healthy members: ordinal 0 is the primary, the others stream from it. */
export function healthyMembers(replicas: number): MemberSpec[] {
  return Array.from({ length: replicas }, (_, ordinal) =>
    ordinal === 0
      ? { ordinal, role: 'master' as const }
      : { ordinal, role: 'replica' as const, xlog: 67_108_864 - ordinal * 1024 },
  );
}

/**
 * The converged world of a cluster: a first sync computes the status from the observed state; the
 * parent then carries that status, as it does after Metacontroller wrote it.
 */
export function steadyWorld(replicas: number): World {
  const spec = fullSpec(replicas);
  const members = healthyMembers(replicas);
  const first = parentFrom(spec);
  const secrets = userSecrets();
  const status = sync({ parent: first, children: appliedWith(first, secrets), related: secrets }).status;
  const settle = (s: unknown): World => {
    const parent: KubeObject = parentFrom(spec, { status: s });
    const children = appliedWith(parent, secrets);
    return {
      parent,
      children,
      related: [...relatedFor(parent, members, [], { podsFrom: children }), ...secrets],
    };
  };
  // Twice: the first pass moves the status from "no pods observed" to "all running"; the second
  // carries every lastTransitionTime over, so the status is a fixpoint.
  const running = sync(settle(status)).status;
  return settle(sync(settle(running)).status);
}

export interface Payload {
  name: PayloadName;
  replicas: number;
  /** The request object, for in-process calls. */
  request: Record<string, unknown>;
  /** The exact bytes posted over HTTP. */
  body: string;
}

/** Both benchmark payloads. */
export function buildPayloads(): Payload[] {
  return PAYLOAD_NAMES.map((name) => {
    const replicas = name === '1-member' ? 1 : 3;
    const req = request(steadyWorld(replicas));
    return { name, replicas, request: req, body: JSON.stringify(req) };
  });
}
