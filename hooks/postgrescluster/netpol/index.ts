/**
 * The NetworkPolicies of a cluster with `spec.networkPolicy.enabled` (none otherwise):
 *
 * - `<name>`, on the members: PostgreSQL (5432) from the user's peers and CIDRs, from pgmeta's own
 *   pods of the cluster (members replicating, poolers, Jobs), from the namespace's PostgresDatabase
 *   SQL Jobs and, with scaling, from KEDA's operator (its postgresql trigger counts connections);
 *   Patroni's API (8008) only from the members and the Jobs that call it (never the poolers or
 *   clients). Out: DNS (UDP and TCP 53), the API server (443 and 6443: Patroni uses the `kubernetes`
 *   Service, and network plugins match the API server's own addresses and port behind it, which no
 *   selector can name: `apiServerCidrs` limits them, otherwise they are open to every address), the
 *   other members (5432, 8008), and the backup store's port. With metrics, namespaces labelled
 *   `pgmeta.io/metrics-scraper=true` may scrape the exporter (9187) and Patroni (8008).
 * - `<name>-pooler`, on the poolers: PgBouncer (6432) from the user's peers and CIDRs; out: DNS and
 *   the members' 5432.
 *
 * Pods are told apart by labels, and NetworkPolicy has nothing else within a namespace: anyone who may
 * create pods in the cluster's namespace can carry pgmeta's labels (and could mount the cluster's
 * Secrets anyway). Selecting on `app.kubernetes.io/managed-by: pgmeta` and the component keeps a user
 * pod that merely carries `pgmeta.io/cluster` (to group or co-locate with the database) out. Peers in
 * other namespaces are told apart by the namespace's name, which the API server sets
 * (docs/security.md, "NetworkPolicies: what an enforcing network plugin adds").
 *
 * Everything not listed is denied for the selected pods, which is the point; pods of the cluster that
 * no policy selects (the Jobs) keep the namespace's defaults.
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
import type { V1NetworkPolicyPeer, V1NetworkPolicyPort } from '@kubernetes/client-node';
import type { KubeObject, Plain } from '../../lib/k8s.js';
import { childMetadata } from '../children/metadata.js';
import { CLUSTER_LABEL, COMPONENTS, LABELS, PORTS, podSelector } from '../names.js';
import {
  COMPONENTS as DATABASE_COMPONENTS,
  childLabels as databaseLabels,
} from '../../postgresdatabase/names.js';
import { PATRONI_CLIENT_LABEL } from '../day2/job.js';
import { METRICS_PORT } from '../metrics/names.js';
import { POOLER_LABEL, POOLER_PORT } from '../pooler/names.js';
import type { ResolvedNetworkPolicy } from '../spec/netpol.js';
import type { ResolvedCluster } from '../spec/resolved.js';
import { backupStorePorts } from './backup.js';

type Peer = Plain<V1NetworkPolicyPeer>;
type Port = Plain<V1NetworkPolicyPort>;
/** An ingress rule as JSON has it (client-node's model calls `from` `_from`). */
interface Ingress {
  from?: Peer[];
  ports?: Port[];
}
interface Egress {
  to?: Peer[];
  ports?: Port[];
}

const tcp = (port: number): Port => ({ protocol: 'TCP', port });

/** pgmeta's own pods of this cluster (members, poolers, Jobs), not a pod that only carries its label. */
function pgmetaPods(cluster: ResolvedCluster): Peer {
  return { podSelector: { matchLabels: { [CLUSTER_LABEL]: cluster.name, [LABELS.managedBy]: 'pgmeta' } } };
}

/** The members, and pgmeta's Jobs of this cluster that call Patroni's API (day2/job.ts). */
function patroniPeers(cluster: ResolvedCluster): Peer[] {
  const pgmeta = { [CLUSTER_LABEL]: cluster.name, [LABELS.managedBy]: 'pgmeta' };
  return [
    { podSelector: { matchLabels: { ...pgmeta, ...podSelector(cluster) } } },
    {
      podSelector: {
        matchLabels: { ...pgmeta, [LABELS.component]: COMPONENTS.operations, [PATRONI_CLIENT_LABEL]: 'true' },
      },
    },
  ];
}

/**
 * The PostgresDatabase SQL Jobs of the namespace (their pods carry no cluster label: a
 * PostgresDatabase names its cluster in its spec). Each logs in with the credentials of its own cluster.
 */
function databaseJobs(): Peer {
  return { podSelector: { matchLabels: databaseLabels(DATABASE_COMPONENTS.sql) } };
}

/**
 * KEDA's operator runs the postgresql trigger's query (scaling/keda.ts). KEDA installs into the
 * namespace `keda` and labels the operator's pods `app: keda-operator` (its release manifests and Helm
 * chart); elsewhere, add it to spec.networkPolicy.allowFrom.
 */
export const KEDA_OPERATOR: Peer = {
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'keda' } },
  podSelector: { matchLabels: { app: 'keda-operator' } },
};

/** The user's peers and CIDRs. */
function userPeers(np: ResolvedNetworkPolicy): Peer[] {
  return [...np.allowFrom.map((p) => ({ ...p })), ...np.allowCidrs.map((cidr) => ({ ipBlock: { cidr } }))];
}

/** DNS over UDP and TCP, to any resolver (cluster DNS, or a node-local cache on a link-local address). */
const DNS: Egress = { ports: [{ protocol: 'UDP', port: 53 }, tcp(53)] };

/**
 * Namespaces whose pods may scrape metrics, labelled by the cluster's administrator (the same label
 * the hook service's own NetworkPolicy admits Prometheus by).
 */
export const METRICS_SCRAPER_LABEL = 'pgmeta.io/metrics-scraper';

/**
 * With metrics, Prometheus scrapes the exporter and Patroni's /metrics. NetworkPolicy cannot tell
 * /metrics from the rest of Patroni's API, so the scraper namespaces reach all of port 8008.
 */
function scraping(cluster: ResolvedCluster): Ingress[] {
  if (!cluster.metrics) return [];
  const scrapers = { namespaceSelector: { matchLabels: { [METRICS_SCRAPER_LABEL]: 'true' } } };
  return [{ from: [scrapers], ports: [tcp(METRICS_PORT.port), tcp(PORTS.patroni.port)] }];
}

function memberIngress(cluster: ResolvedCluster, np: ResolvedNetworkPolicy): Ingress[] {
  const own = [pgmetaPods(cluster), databaseJobs(), ...(cluster.scaling ? [KEDA_OPERATOR] : [])];
  return [
    { from: [...userPeers(np), ...own], ports: [tcp(PORTS.postgresql.port)] },
    { from: patroniPeers(cluster), ports: [tcp(PORTS.patroni.port)] },
    ...scraping(cluster),
  ];
}

function memberEgress(cluster: ResolvedCluster, np: ResolvedNetworkPolicy): Egress[] {
  const store = backupStorePorts(cluster);
  const apiServer = np.apiServerCidrs.map((cidr) => ({ ipBlock: { cidr } }));
  return [
    DNS,
    { ...(apiServer.length > 0 ? { to: apiServer } : {}), ports: [tcp(443), tcp(6443)] },
    {
      to: [{ podSelector: { matchLabels: podSelector(cluster) } }],
      ports: [tcp(PORTS.postgresql.port), tcp(PORTS.patroni.port)],
    },
    ...(store.length > 0 ? [{ ports: store.map(tcp) }] : []),
  ];
}

function policy(
  cluster: ResolvedCluster,
  o: {
    name: string;
    component: 'database' | 'pooler';
    selector: Record<string, string>;
    selectorExpressions?: { key: string; operator: 'Exists' }[];
    ingress: Ingress[];
    egress: Egress[];
  },
): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: childMetadata(cluster, { name: o.name, component: COMPONENTS[o.component] }),
    spec: {
      podSelector: {
        matchLabels: o.selector,
        ...(o.selectorExpressions ? { matchExpressions: o.selectorExpressions } : {}),
      },
      policyTypes: ['Ingress', 'Egress'],
      // No rule at all (not an empty list, which the API server drops) denies everything.
      ...(o.ingress.length > 0 ? { ingress: o.ingress } : {}),
      ...(o.egress.length > 0 ? { egress: o.egress } : {}),
    },
  };
}

/** The members' policy. */
export function buildMemberPolicy(cluster: ResolvedCluster, np: ResolvedNetworkPolicy): KubeObject {
  return policy(cluster, {
    name: cluster.name,
    component: 'database',
    selector: podSelector(cluster),
    ingress: memberIngress(cluster, np),
    egress: memberEgress(cluster, np),
  });
}

/** The poolers' policy (both poolers: they differ only in the Service they forward to). */
export function buildPoolerPolicy(cluster: ResolvedCluster, np: ResolvedNetworkPolicy): KubeObject {
  return policy(cluster, {
    name: `${cluster.name}-pooler`,
    component: 'pooler',
    selector: { [CLUSTER_LABEL]: cluster.name, [LABELS.component]: COMPONENTS.pooler },
    // PgBouncer pods only (they carry the pooler role label), not the pooler's Job.
    selectorExpressions: [{ key: POOLER_LABEL, operator: 'Exists' }],
    // A rule with no `from` would admit every source: without peers there is no rule.
    ingress: userPeers(np).length > 0 ? [{ from: userPeers(np), ports: [tcp(POOLER_PORT.port)] }] : [],
    egress: [
      DNS,
      { to: [{ podSelector: { matchLabels: podSelector(cluster) } }], ports: [tcp(PORTS.postgresql.port)] },
    ],
  });
}

/** The cluster's NetworkPolicies, or none. */
export function renderNetworkPolicies(cluster: ResolvedCluster): KubeObject[] {
  const np = cluster.networkPolicy;
  if (!np) return [];
  return [buildMemberPolicy(cluster, np), ...(cluster.pgbouncer ? [buildPoolerPolicy(cluster, np)] : [])];
}
