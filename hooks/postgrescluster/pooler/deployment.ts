/**
 * The Deployment of one pooler: PgBouncer with the configuration pgmeta renders, on a read-only root
 * filesystem, spread over nodes, rolled whenever its pgbouncer.ini changes.
 */
import { createHash } from 'node:crypto';
import type { V1Container, V1Deployment, V1PodSpec, V1Probe, V1Volume } from '@kubernetes/client-node';
import type { Child, Plain } from '../../lib/k8s.js';
import { childMetadata } from '../children/metadata.js';
import { podSecurity } from '../children/security.js';
import { COMPONENTS } from '../names.js';
import { type PooledCluster, POOLER_PATHS, pgbouncerIni, renderIni } from './ini.js';
import { INI_KEY, USERLIST_KEY } from './objects.js';
import {
  POOLER_PORT,
  type PoolerRole,
  poolerNames,
  poolerPodLabels,
  poolerSecretName,
  poolerSelector,
} from './names.js';
import { poolerTls } from './tls.js';
import { pullSecretsField } from '../children/pull-secrets.js';
import { issuerOf } from '../tls/index.js';

/**
 * PgBouncer 1.25.1 from the CloudNativePG project (pgmeta's image table, images/set.ts): a plain Debian
 * build whose binary takes the configuration file as its argument, running as the image's `pgbouncer`
 * user (uid 998, gid 996). An install that replaces the image must keep that user.
 * @see https://github.com/cloudnative-pg/pgbouncer-containers
 */
export const PGBOUNCER_UID = 998;
export const PGBOUNCER_GID = 996;

/** Pod template annotation with a hash of pgbouncer.ini: a changed configuration rolls the pods. */
export const CONFIG_HASH_ANNOTATION = 'pgmeta.io/config-hash';

/** Seconds between two reloads of PgBouncer when its certificate comes from cert-manager. */
export const RELOAD_INTERVAL_SECONDS = 300;

/**
 * PgBouncer reads its certificate files at start and on reload (SIGHUP). With a cert-manager
 * certificate, which the kubelet replaces in the mounted Secret on every renewal, a small shell
 * supervisor reloads PgBouncer every five minutes (as Spilo's cron does for PostgreSQL), so a renewal
 * is picked up without a restart; it forwards SIGTERM and exits with PgBouncer.
 */
export function reloadingScript(binary: string, config: string): string {
  return [
    `${binary} ${config} &`,
    'pid=$!',
    'stop=0',
    'sleeper=',
    'trap \'stop=1; kill -TERM "$pid" 2>/dev/null; [ -z "$sleeper" ] || kill "$sleeper" 2>/dev/null\' TERM INT',
    'while [ "$stop" = 0 ] && kill -0 "$pid" 2>/dev/null; do',
    `  sleep ${RELOAD_INTERVAL_SECONDS} &`,
    '  sleeper=$!',
    '  wait "$sleeper"',
    '  if [ "$stop" = 0 ]; then kill -HUP "$pid" 2>/dev/null; fi',
    'done',
    'wait "$pid"',
  ].join('\n');
}

const PGBOUNCER_BIN = '/usr/bin/pgbouncer';

function command(cluster: PooledCluster): string[] {
  if (!issuerOf(cluster)) return [PGBOUNCER_BIN, POOLER_PATHS.config];
  return ['/bin/sh', '-c', reloadingScript(PGBOUNCER_BIN, POOLER_PATHS.config)];
}

/** A TCP probe on PgBouncer's port, every field written as the API server stores it. */
function tcpProbe(failureThreshold: number): Plain<V1Probe> {
  return {
    tcpSocket: { port: POOLER_PORT.port },
    periodSeconds: 10,
    timeoutSeconds: 1,
    successThreshold: 1,
    failureThreshold,
  };
}

function pgbouncerContainer(cluster: PooledCluster, role: PoolerRole): Plain<V1Container> {
  return {
    name: 'pgbouncer',
    image: cluster.images.pgbouncer,
    command: command(cluster),
    ports: [{ name: POOLER_PORT.name, containerPort: POOLER_PORT.port, protocol: 'TCP' }],
    // PgBouncer listens only once its configuration is loaded, so an open port means ready.
    readinessProbe: tcpProbe(3),
    livenessProbe: tcpProbe(6),
    resources: cluster.pgbouncer.resources,
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      readOnlyRootFilesystem: true,
    },
    volumeMounts: [
      { name: 'config', mountPath: POOLER_PATHS.configDir, readOnly: true },
      { name: 'auth', mountPath: POOLER_PATHS.authDir, readOnly: true },
      ...poolerTls(cluster, role).mounts,
    ],
  };
}

function volumes(cluster: PooledCluster, role: PoolerRole): Plain<V1Volume>[] {
  return [
    { name: 'config', configMap: { name: poolerNames(cluster, role).name } },
    {
      name: 'auth',
      // Readable by the pgbouncer group only (fsGroup), never world-readable.
      secret: {
        secretName: poolerSecretName(cluster),
        items: [{ key: USERLIST_KEY, path: USERLIST_KEY }],
        defaultMode: 0o440,
      },
    },
    ...poolerTls(cluster, role).volumes,
  ];
}

function podSpec(cluster: PooledCluster, role: PoolerRole): Plain<V1PodSpec> {
  const tls = poolerTls(cluster, role);
  return {
    // PgBouncer needs no Kubernetes API access.
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    securityContext: podSecurity(cluster.platform, {
      user: PGBOUNCER_UID,
      group: PGBOUNCER_GID,
      fsGroup: true,
    }),
    // One pod per node when the cluster has room, so losing a node leaves the others serving.
    affinity: {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          {
            weight: 100,
            podAffinityTerm: {
              labelSelector: { matchLabels: poolerSelector(cluster, role) },
              topologyKey: 'kubernetes.io/hostname',
            },
          },
        ],
      },
    },
    ...pullSecretsField(cluster),
    ...(tls.initContainers.length > 0 ? { initContainers: tls.initContainers } : {}),
    containers: [pgbouncerContainer(cluster, role)],
    volumes: volumes(cluster, role),
  };
}

/** The first 16 hex characters of the SHA-256 of a pooler's pgbouncer.ini. */
export function configHash(cluster: PooledCluster, role: PoolerRole): string {
  const ini = renderIni(pgbouncerIni(cluster, role));
  return createHash('sha256').update(`${INI_KEY}\n${ini}`).digest('hex').slice(0, 16);
}

/** One pooler's Deployment. */
export function buildPoolerDeployment(cluster: PooledCluster, role: PoolerRole): Child<V1Deployment> {
  const selector = poolerSelector(cluster, role);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: childMetadata(cluster, { name: poolerNames(cluster, role).name, component: COMPONENTS.pooler }),
    spec: {
      replicas: cluster.pgbouncer.replicas,
      selector: { matchLabels: selector },
      template: {
        metadata: {
          labels: poolerPodLabels(cluster, role),
          annotations: { [CONFIG_HASH_ANNOTATION]: configHash(cluster, role) },
        },
        spec: podSpec(cluster, role),
      },
    },
  };
}
