/**
 * What the prometheus component attaches to a cluster with `spec.metrics.enabled`: a PodMonitor
 * that scrapes every member's exporter (`metrics`) and Patroni's own `/metrics` (port `patroni`),
 * labelling the series with the cluster (`pgmeta_cluster`) and the member's role; and a
 * PrometheusRule with the one alert that needs the cluster's own numbers, the data volume filling
 * up (manifests/monitoring has the alerts every cluster shares).
 * @see https://prometheus-operator.dev/docs/api-reference/api/
 */
import type { KubeObject } from '../../lib/k8s.js';
import { parseQuantity } from '../../lib/quantity.js';
import { childMetadata } from '../children/metadata.js';
import { COMPONENTS, PORTS, podSelector } from '../names.js';
import type { ResolvedCluster } from '../spec/resolved.js';
import { METRICS_PORT } from './names.js';

/** The label every scraped series gets with the cluster's name (pods' `pgmeta.io/cluster` label). */
export const CLUSTER_METRIC_LABEL = 'pgmeta_cluster';

const RELABELINGS = [
  { sourceLabels: ['__meta_kubernetes_pod_label_pgmeta_io_cluster'], targetLabel: CLUSTER_METRIC_LABEL },
  { sourceLabels: ['__meta_kubernetes_pod_label_spilo_role'], targetLabel: 'role' },
];

/** The PodMonitor of the members, or undefined without metrics. */
export function buildPodMonitor(cluster: ResolvedCluster): KubeObject | undefined {
  if (!cluster.metrics) return undefined;
  const endpoint = (port: string, path?: string) => ({
    port,
    ...(path === undefined ? {} : { path }),
    interval: '30s',
    relabelings: RELABELINGS,
  });
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PodMonitor',
    metadata: childMetadata(cluster, { name: cluster.name, component: COMPONENTS.database }),
    spec: {
      selector: { matchLabels: podSelector(cluster) },
      namespaceSelector: { matchNames: [cluster.namespace] },
      podMetricsEndpoints: [endpoint(METRICS_PORT.name), endpoint(PORTS.patroni.name, '/metrics')],
    },
  };
}

/** Bytes of a quantity (storage sizes are whole bytes). */
export function quantityBytes(size: string): bigint {
  const q = parseQuantity(size);
  if (!q) return 0n;
  return q.exponent >= 0 ? q.unscaled * 10n ** BigInt(q.exponent) : q.unscaled / 10n ** BigInt(-q.exponent);
}

/**
 * The disk alert's expression: on each member, the databases and the WAL directory (the exporter's
 * `pg_database_size_bytes` and `pg_wal_size_bytes`) against the volume size the spec asks for.
 */
export function diskFillingExpr(cluster: ResolvedCluster, threshold: number): string {
  const sel = `{namespace="${cluster.namespace}", ${CLUSTER_METRIC_LABEL}="${cluster.name}"}`;
  const by = `by (namespace, ${CLUSTER_METRIC_LABEL}, pod)`;
  const used = `sum ${by} (pg_database_size_bytes${sel}) + max ${by} (pg_wal_size_bytes${sel})`;
  return `(${used}) / ${quantityBytes(cluster.storage.size).toString()} > ${String(threshold)}`;
}

function diskAlert(cluster: ResolvedCluster, o: { threshold: number; severity: string }) {
  return {
    alert: o.severity === 'critical' ? 'PostgresDiskAlmostFull' : 'PostgresDiskFilling',
    expr: diskFillingExpr(cluster, o.threshold),
    for: '10m',
    labels: { severity: o.severity },
    annotations: {
      summary: `PostgreSQL data on {{ $labels.pod }} uses over ${String(o.threshold * 100)}% of its ${cluster.storage.size} volume`,
      description:
        'Databases and WAL of {{ $labels.namespace }}/{{ $labels.pod }} fill the volume. Grow spec.storage.size, ' +
        'or find what retains WAL (a failing archive, an inactive replication slot).',
    },
  };
}

/** The cluster's own PrometheusRule, or undefined without metrics. */
export function buildPrometheusRule(cluster: ResolvedCluster): KubeObject | undefined {
  if (!cluster.metrics) return undefined;
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: childMetadata(cluster, { name: cluster.name, component: COMPONENTS.database }),
    spec: {
      groups: [
        {
          name: `pgmeta.${cluster.namespace}.${cluster.name}`,
          rules: [
            diskAlert(cluster, { threshold: 0.85, severity: 'warning' }),
            diskAlert(cluster, { threshold: 0.95, severity: 'critical' }),
          ],
        },
      ],
    },
  };
}
