/**
 * A small evaluator of Kubernetes NetworkPolicy semantics, to test the rendered policies by the
 * flows they allow and deny rather than by their shape.
 *
 * Semantics (networking.k8s.io/v1): a pod selected by no policy of a direction is open in that
 * direction; once a policy of that direction selects it, only what some rule of some such policy
 * allows passes (rules are ORed, policies are ORed). A rule without peers (`from`/`to` absent or
 * empty) matches every peer, without ports every port. A peer with podSelector alone means pods of
 * the policy's namespace, namespaceSelector alone every pod of the selected namespaces, both the
 * selected pods of the selected namespaces; ipBlock matches addresses (minus `except`). policyTypes
 * defaults to Ingress, plus Egress when egress rules exist. A flow passes when the source's egress
 * and the destination's ingress both allow it; addresses outside the cluster have no policies.
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
import { BlockList, isIPv6 } from 'node:net';

export interface Selector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}
interface Peer {
  podSelector?: Selector;
  namespaceSelector?: Selector;
  ipBlock?: { cidr: string; except?: string[] };
}
interface Port {
  protocol?: string;
  port?: number | string;
  endPort?: number;
}
interface Rule {
  from?: Peer[];
  to?: Peer[];
  ports?: Port[];
}
export interface Policy {
  metadata: { name: string; namespace?: string };
  spec: { podSelector: Selector; policyTypes?: string[]; ingress?: Rule[]; egress?: Rule[] };
}

/** A pod (with a namespace) or an address outside the cluster (without). */
export interface Endpoint {
  name: string;
  ip: string;
  namespace?: string;
  labels?: Record<string, string>;
}

export interface Flow {
  from: Endpoint;
  to: Endpoint;
  port: number;
  protocol: 'TCP' | 'UDP';
}

export interface NetworkWorld {
  policies: readonly Policy[];
  /** Namespace labels by name (`kubernetes.io/metadata.name` is added). */
  namespaces: Readonly<Record<string, Record<string, string>>>;
}

export function selects(selector: Selector, labels: Readonly<Record<string, string>>): boolean {
  const byLabel = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  return (
    byLabel &&
    (selector.matchExpressions ?? []).every((e) => {
      const has = Object.hasOwn(labels, e.key);
      const inValues = has && (e.values ?? []).includes(labels[e.key]!);
      if (e.operator === 'In') return inValues;
      if (e.operator === 'NotIn') return !inValues;
      if (e.operator === 'Exists') return has;
      if (e.operator === 'DoesNotExist') return !has;
      throw new Error(`unknown operator ${e.operator}`);
    })
  );
}

function inBlock(ip: string, block: { cidr: string; except?: string[] }): boolean {
  const type = isIPv6(ip) ? 'ipv6' : 'ipv4';
  const list = (cidrs: readonly string[]) => {
    const b = new BlockList();
    for (const c of cidrs) {
      const [net, bits] = c.split('/');
      if (isIPv6(net!) === (type === 'ipv6')) b.addSubnet(net!, Number(bits), type);
    }
    return b;
  };
  return list([block.cidr]).check(ip, type) && !list(block.except ?? []).check(ip, type);
}

function nsLabels(world: NetworkWorld, ns: string): Record<string, string> {
  return { ...world.namespaces[ns], 'kubernetes.io/metadata.name': ns };
}

function peerMatches(world: NetworkWorld, peer: Peer, policyNs: string, e: Endpoint): boolean {
  if (peer.ipBlock) return inBlock(e.ip, peer.ipBlock);
  if (e.namespace === undefined) return false; // selectors pick pods only
  const nsOk = peer.namespaceSelector
    ? selects(peer.namespaceSelector, nsLabels(world, e.namespace))
    : e.namespace === policyNs;
  return nsOk && (peer.podSelector ? selects(peer.podSelector, e.labels ?? {}) : true);
}

function portMatches(ports: readonly Port[] | undefined, flow: Flow): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some((p) => {
    if ((p.protocol ?? 'TCP') !== flow.protocol) return false;
    if (p.port === undefined) return true;
    if (typeof p.port === 'string') throw new Error('named ports are not modelled');
    return p.endPort === undefined ? p.port === flow.port : flow.port >= p.port && flow.port <= p.endPort;
  });
}

function types(p: Policy): string[] {
  return p.spec.policyTypes ?? ['Ingress', ...(p.spec.egress ? ['Egress'] : [])];
}

function directionAllows(world: NetworkWorld, flow: Flow, dir: 'Ingress' | 'Egress'): boolean {
  const self = dir === 'Ingress' ? flow.to : flow.from;
  const other = dir === 'Ingress' ? flow.from : flow.to;
  if (self.namespace === undefined) return true;
  const applying = world.policies.filter(
    (p) =>
      (p.metadata.namespace ?? '') === self.namespace &&
      types(p).includes(dir) &&
      selects(p.spec.podSelector, self.labels ?? {}),
  );
  if (applying.length === 0) return true;
  return applying.some((p) =>
    ((dir === 'Ingress' ? p.spec.ingress : p.spec.egress) ?? []).some((rule) => {
      const peers = dir === 'Ingress' ? rule.from : rule.to;
      const peerOk =
        !peers ||
        peers.length === 0 ||
        peers.some((peer) => peerMatches(world, peer, self.namespace!, other));
      return peerOk && portMatches(rule.ports, flow);
    }),
  );
}

/** Whether the policies let the flow through (egress of its source and ingress of its destination). */
export function allowed(world: NetworkWorld, flow: Flow): boolean {
  return directionAllows(world, flow, 'Egress') && directionAllows(world, flow, 'Ingress');
}
