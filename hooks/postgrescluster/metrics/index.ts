/**
 * Metrics of a cluster with `spec.metrics.enabled` (nothing otherwise): a postgres_exporter sidecar
 * in every member pod, connecting over loopback as the monitoring role; the role's Secret and Job;
 * and a `metrics` port on the Services that select member pods. The primary Service gets none: it
 * has no selector, and Patroni's leader Endpoints behind it list only PostgreSQL's port. Prometheus
 * scrapes the pods through the PodMonitor of the prometheus component.
 */
import type { V1Container, V1ServicePort } from '@kubernetes/client-node';
import type { KubeObject, Plain } from '../../lib/k8s.js';
import { PORTS } from '../names.js';
import type { ResolvedCluster } from '../spec/resolved.js';
import { envFromSecret, envValue, sortEnv } from '../spilo/env.js';
import { METRICS_PORT, monitoringSecretName } from './names.js';
import { buildMonitoringJob, buildMonitoringSecret, monitorPassword, type MonitorInputs } from './role.js';

/**
 * Collectors left out: the per-table ones, whose series grow with the number of tables (the
 * cardinality a database operator must not impose on a user's Prometheus).
 */
export const EXPORTER_ARGS = [
  `--web.listen-address=:${METRICS_PORT.port}`,
  '--no-collector.stat_user_tables',
  '--no-collector.statio_user_tables',
];

/** The exporter sidecar of the member pods; none without metrics. */
export function metricsContainers(cluster: ResolvedCluster): Plain<V1Container>[] {
  if (!cluster.metrics) return [];
  const secret = monitoringSecretName(cluster);
  // Loopback: pg_hba admits it like any TCP client, over TLS when the cluster requires TLS.
  const sslmode = cluster.tls.enabled ? 'require' : 'prefer';
  return [
    {
      name: 'exporter',
      image: cluster.images.exporter,
      args: [...EXPORTER_ARGS],
      env: sortEnv([
        envValue('DATA_SOURCE_URI', `localhost:${PORTS.postgresql.port}/postgres?sslmode=${sslmode}`),
        envFromSecret('DATA_SOURCE_USER', secret, 'username'),
        envFromSecret('DATA_SOURCE_PASS', secret, 'password'),
      ]),
      ports: [{ name: METRICS_PORT.name, containerPort: METRICS_PORT.port, protocol: 'TCP' }],
      livenessProbe: {
        httpGet: { path: '/', port: METRICS_PORT.port, scheme: 'HTTP' },
        periodSeconds: 30,
        timeoutSeconds: 5,
        successThreshold: 1,
        failureThreshold: 3,
      },
      resources: cluster.metrics.resources,
      securityContext: {
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        readOnlyRootFilesystem: true,
      },
    },
  ];
}

/** The `metrics` port of the Services that select member pods; none without metrics. */
export function metricsServicePorts(cluster: ResolvedCluster): Plain<V1ServicePort>[] {
  if (!cluster.metrics) return [];
  const p = METRICS_PORT;
  return [{ name: p.name, port: p.port, protocol: 'TCP', targetPort: p.port }];
}

/** The monitoring role's Secret and Job; none without metrics. */
export function renderMetrics(cluster: ResolvedCluster, inputs: MonitorInputs): KubeObject[] {
  if (!cluster.metrics) return [];
  return [
    buildMonitoringSecret(cluster, monitorPassword(cluster, inputs)),
    ...buildMonitoringJob(cluster, inputs),
  ];
}
