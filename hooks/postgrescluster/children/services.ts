/**
 * The three Services of a cluster.
 *
 * - primary `<scope>`, in `spec.patroni.dcs: endpoints` mode: no selector. Patroni's leader lock is
 *   the Endpoints object of the same name and lists only the current leader, so this Service follows
 *   every failover without a label race. Its port name must equal the one Patroni writes into those
 *   Endpoints (`postgresql`). In `configmaps` mode Patroni writes no Endpoints (patroni/dcs/kubernetes.py
 *   `Kubernetes._patch_or_create` builds a ConfigMap body then), so the Service selects the member
 *   Patroni labels leader (`Kubernetes.touch_member` patches `spilo-role: master` onto the lock
 *   holder's pod, `KUBERNETES_LEADER_LABEL_VALUE`), as Patroni's docs/kubernetes.rst says to.
 * - replicas `<scope>-ro`: selects the members Patroni labels `spilo-role=replica`.
 * - headless `<scope>-members`: the StatefulSet's `serviceName`, stable DNS for every member, with
 *   not-ready addresses published so members find each other while they start.
 * The user's `spec.service` (type, annotations, source ranges, traffic policy) applies to the two
 * client-facing Services.
 */
import type { V1Service, V1ServicePort, V1ServiceSpec } from '@kubernetes/client-node';
import type { Child, Plain } from '../../lib/k8s.js';
import { clusterNames, COMPONENTS, PORTS, podSelector, roleSelector } from '../names.js';
import { metricsServicePorts } from '../metrics/index.js';
import type { ResolvedCluster } from '../spec/resolved.js';
import { childMetadata, PROTECTED_ANNOTATION } from './metadata.js';

type ServicePort = Plain<V1ServicePort>;

/** A TCP port written as the API server stores it (protocol and targetPort defaulted). */
function tcpPort(port: { name: string; port: number }): ServicePort {
  return { name: port.name, port: port.port, protocol: 'TCP', targetPort: port.port };
}

/**
 * The user's exposure settings. The API server rejects `externalTrafficPolicy` on a ClusterIP
 * Service and `loadBalancerSourceRanges` on anything but a LoadBalancer, so they are emitted only there.
 */
function exposure(cluster: ResolvedCluster): Plain<V1ServiceSpec> {
  const { type, loadBalancerSourceRanges, externalTrafficPolicy } = cluster.service;
  const external = type !== 'ClusterIP';
  return {
    type,
    ...(external && externalTrafficPolicy !== undefined ? { externalTrafficPolicy } : {}),
    ...(type === 'LoadBalancer' && loadBalancerSourceRanges.length > 0
      ? { loadBalancerSourceRanges: [...loadBalancerSourceRanges] }
      : {}),
  };
}

/** The primary Service, named after Patroni's scope: its leader Endpoints, or the leader-labelled pod. */
export function buildPrimaryService(cluster: ResolvedCluster): Child<V1Service> {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: childMetadata(cluster, {
      name: clusterNames(cluster).primaryService,
      component: COMPONENTS.database,
      annotations: { ...cluster.service.annotations, ...PROTECTED_ANNOTATION },
    }),
    spec: {
      ...exposure(cluster),
      ...(cluster.patroni.dcs === 'configmaps' ? { selector: roleSelector(cluster, 'primary') } : {}),
      ports: [tcpPort(PORTS.postgresql)],
    },
  };
}

/** The read-only Service over the replicas. */
export function buildReplicaService(cluster: ResolvedCluster): Child<V1Service> {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: childMetadata(cluster, {
      name: clusterNames(cluster).replicaService,
      component: COMPONENTS.database,
      annotations: cluster.service.annotations,
    }),
    spec: {
      ...exposure(cluster),
      selector: roleSelector(cluster, 'replica'),
      ports: [tcpPort(PORTS.postgresql), ...metricsServicePorts(cluster)],
    },
  };
}

/** The headless Service of the StatefulSet. */
export function buildHeadlessService(cluster: ResolvedCluster): Child<V1Service> {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: childMetadata(cluster, {
      name: clusterNames(cluster).headlessService,
      component: COMPONENTS.database,
    }),
    spec: {
      type: 'ClusterIP',
      clusterIP: 'None',
      publishNotReadyAddresses: true,
      selector: podSelector(cluster),
      ports: [tcpPort(PORTS.postgresql), tcpPort(PORTS.patroni), ...metricsServicePorts(cluster)],
    },
  };
}

/** Primary, replica and headless Services. */
export function buildServices(cluster: ResolvedCluster): Child<V1Service>[] {
  return [buildPrimaryService(cluster), buildReplicaService(cluster), buildHeadlessService(cluster)];
}
