/** What every day-2 operation planner takes and returns. */
import type { KubeObject } from '../../lib/k8s.js';
import type { Operation } from '../names.js';
import type { ObservedCluster } from '../observe.js';
import type { ResolvedCluster } from '../spec/resolved.js';
import type { Day2Facts } from './facts.js';

/** One sync's view of a running cluster. */
export interface Day2Context {
  /** The cluster the children are rendered from. */
  cluster: ResolvedCluster;
  observed: ObservedCluster;
  facts: Day2Facts;
  parent: KubeObject;
  /** The raw spec the observed StatefulSet was rendered from, if any. */
  previousSpec: unknown;
}

/** One operation's wish for this sync: its Job (and RBAC), kept or new. */
export interface Proposal {
  operation: Operation;
  /** The Job and, for an operation that calls the Kubernetes API, its ServiceAccount and RBAC. */
  children: KubeObject[];
  /** The observed Job this proposal keeps, when it exists already. */
  existing?: KubeObject;
  /** Takes a member down or moves the primary: at most one such operation runs at a time. */
  disruptive: boolean;
}
