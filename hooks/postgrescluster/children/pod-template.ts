/**
 * The pod template of the database StatefulSet: one Spilo container running Patroni and PostgreSQL.
 * @see docs/contract.md (what Spilo does with each variable, with its upstream file and function)
 */
import type {
  V1Container,
  V1PodSecurityContext,
  V1PodSpec,
  V1PodTemplateSpec,
  V1Probe,
} from '@kubernetes/client-node';
import type { Plain } from '../../lib/k8s.js';
import { backupVolumeMounts, backupVolumes } from '../backup/env.js';
import { clusterNames, PORTS, podLabels } from '../names.js';
import { metricsContainers } from '../metrics/index.js';
import type { ResolvedCluster } from '../spec/resolved.js';
import { PGDATA, PGDATA_MOUNT, spiloEnv, type SpiloPodInputs } from '../spilo/env.js';
import { logFollowerContainers } from '../spilo/logging.js';
import { spiloTlsMounts, spiloTlsVolumes } from '../tls/index.js';
import { pullSecretsField } from './pull-secrets.js';
import { podSecurity } from './security.js';

/** Spilo's `postgres` user and group (the image's /etc/passwd). */
export const POSTGRES_UID = 101;
export const POSTGRES_GID = 103;

/** Name of the data volume (the StatefulSet's volumeClaimTemplate). */
export const DATA_VOLUME = 'pgdata';
const SHM_VOLUME = 'dshm';

/**
 * Seconds a member gets to stop: Patroni checkpoints and shuts PostgreSQL down cleanly, which on a
 * busy primary with large shared_buffers takes minutes; a SIGKILL before that means crash recovery
 * on the next start and, on the primary, a longer outage.
 */
export const TERMINATION_GRACE_SECONDS = 300;

/** A probe on Patroni's REST API, every field written as the API server stores it. */
function patroniProbe(
  path: string,
  timing: { failureThreshold: number; timeoutSeconds: number },
): Plain<V1Probe> {
  return {
    httpGet: { path, port: PORTS.patroni.port, scheme: 'HTTP' },
    periodSeconds: 10,
    successThreshold: 1,
    ...timing,
  };
}

/**
 * Probes. `/readiness` is true on the running leader and on a streaming replica, so only those get
 * traffic. `/liveness` reports only whether Patroni's own loop runs: PostgreSQL crash recovery, a
 * basebackup or a pg_rewind go on while that loop keeps running, so a failure means Patroni itself
 * hung. It is still generous (a minute) because killing a member in a long crash recovery restarts
 * the recovery from scratch and can keep the only primary down indefinitely; a short API-server or
 * CPU stall must never do that. The startup probe gives Spilo's own start (configuration, certificate)
 * ten minutes before liveness applies.
 */
function probes(): Pick<Plain<V1Container>, 'livenessProbe' | 'readinessProbe' | 'startupProbe'> {
  return {
    readinessProbe: patroniProbe('/readiness', { failureThreshold: 3, timeoutSeconds: 5 }),
    livenessProbe: patroniProbe('/liveness', { failureThreshold: 6, timeoutSeconds: 5 }),
    startupProbe: patroniProbe('/liveness', { failureThreshold: 60, timeoutSeconds: 5 }),
  };
}

const hasKeys = (o: object): boolean => Object.keys(o).length > 0;

/** The Spilo container. */
export function spiloContainer(cluster: ResolvedCluster, inputs: SpiloPodInputs = {}): Plain<V1Container> {
  return {
    name: 'postgres',
    image: cluster.image,
    env: spiloEnv(cluster, inputs),
    ports: [PORTS.postgresql, PORTS.patroni].map((p) => ({
      name: p.name,
      containerPort: p.port,
      protocol: 'TCP',
    })),
    ...probes(),
    ...(hasKeys(cluster.resources) ? { resources: cluster.resources } : {}),
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
    volumeMounts: [
      { name: SHM_VOLUME, mountPath: '/dev/shm' },
      { name: DATA_VOLUME, mountPath: PGDATA_MOUNT },
      // GCS key files of spec.backup / spec.restore (none for other stores)
      ...backupVolumeMounts(cluster),
      // The cert-manager Secret (spec.tls.issuerRef), none without one
      ...spiloTlsMounts(cluster),
    ],
  };
}

/** Scheduling fields of the spec, each omitted when empty. */
export function schedulingFields(
  cluster: ResolvedCluster,
): Pick<
  Plain<V1PodSpec>,
  'affinity' | 'tolerations' | 'nodeSelector' | 'topologySpreadConstraints' | 'priorityClassName'
> {
  const s = cluster.scheduling;
  return {
    ...(hasKeys(s.affinity) ? { affinity: s.affinity } : {}),
    ...(s.tolerations.length > 0 ? { tolerations: s.tolerations } : {}),
    ...(hasKeys(s.nodeSelector) ? { nodeSelector: s.nodeSelector } : {}),
    ...(s.topologySpreadConstraints.length > 0
      ? { topologySpreadConstraints: s.topologySpreadConstraints }
      : {}),
    ...(s.priorityClassName !== undefined && s.priorityClassName !== ''
      ? { priorityClassName: s.priorityClassName }
      : {}),
  };
}

/**
 * The non-root pod security context Spilo runs under: seccomp on, the image's postgres user, or on
 * OpenShift the user the platform assigns (security.ts).
 */
export function podSecurityContext(
  platform: ResolvedCluster['platform'] = 'kubernetes',
): Plain<V1PodSecurityContext> {
  return podSecurity(
    platform,
    { user: POSTGRES_UID, group: POSTGRES_GID, fsGroup: true },
    // Re-owning a large data directory on every start would delay each restart by minutes.
    { fsGroupChangePolicy: 'OnRootMismatch' },
  );
}

/** The pod template. Its labels carry no spec hash or version, so only real changes restart pods. */
export function buildPodTemplate(
  cluster: ResolvedCluster,
  inputs: SpiloPodInputs = {},
): Plain<V1PodTemplateSpec> {
  return {
    metadata: { labels: podLabels(cluster) },
    spec: {
      serviceAccountName: clusterNames(cluster).serviceAccount,
      // Service links would add a variable per Service of the namespace; Spilo turns every
      // KUBERNETES_* variable into Patroni configuration, so a Service named `kubernetes-...` would leak in.
      enableServiceLinks: false,
      securityContext: podSecurityContext(cluster.platform),
      terminationGracePeriodSeconds: TERMINATION_GRACE_SECONDS,
      ...pullSecretsField(cluster),
      // The postgres_exporter sidecar (spec.metrics), the JSON log follower (spec.logging), or none
      containers: [
        spiloContainer(cluster, inputs),
        ...metricsContainers(cluster),
        ...logFollowerContainers(cluster, { volume: DATA_VOLUME, mountPath: PGDATA_MOUNT, pgdata: PGDATA }),
      ],
      // PostgreSQL's parallel workers use /dev/shm, which container runtimes cap at 64 MiB.
      volumes: [
        { name: SHM_VOLUME, emptyDir: { medium: 'Memory' } },
        ...backupVolumes(cluster),
        ...spiloTlsVolumes(cluster),
      ],
      ...schedulingFields(cluster),
    },
  };
}
