/**
 * A new cluster over the data volumes of an earlier one of the same name (docs/day2.md "Deleting a
 * cluster").
 *
 * With `storage.retentionPolicy.whenDeleted: Retain` (the default) a normal delete leaves the claims
 * `pgdata-<name>-<ordinal>` behind (the StatefulSet's `persistentVolumeClaimRetentionPolicy`), and
 * the credential Secrets go with the cluster. A StatefulSet of the same name mounts those claims
 * again, and Patroni does not run initdb over a data directory that holds data: with no `initialize`
 * key it adopts it, with another system identifier in the key it exits (Patroni ha.py
 * `Ha._run_cycle`). The roles in that data keep their old passwords, so fresh Secrets would lock the
 * replicas and the applications out. So a new cluster that finds such claims starts no member until
 * the old credentials are back: Secrets of the credential names labelled for this cluster, which it
 * then keeps (orphans.ts), or the claims are deleted to start empty. Nothing is ever deleted here.
 *
 * "New" is "no StatefulSet observed, ours or orphaned": the StatefulSet controller makes claims only
 * for a StatefulSet that exists, so claims without one are an earlier cluster's. Should a cache lag
 * hide a StatefulSet just created, the next sync sees it and the hold ends; nothing is removed.
 */
import type { ConditionInput } from '../lib/conditions.js';
import type { KubeObject } from '../lib/k8s.js';
import { DATA_VOLUME } from './children/pod-template.js';
import { observedPassword } from './children/secrets.js';
import { CLUSTER_LABEL, LABELS, clusterNames } from './names.js';
import type { ObservedCluster } from './observe.js';

/** Why a new cluster holds its members back: the retained claims and what is missing to adopt them. */
export interface RetainedVolumes {
  /** The retained data claims, by ordinal. */
  claims: string[];
  /** Credential Secrets with no password: the old credentials the data needs. */
  missingSecrets: string[];
  /** Ordinal 0 has no claim: it would run initdb and the retained members could not join it. */
  firstMissing: boolean;
}

function ordinalOf(pvc: KubeObject, prefix: string): number | undefined {
  const name = pvc.metadata.name;
  if (!name.startsWith(prefix) || pvc.metadata.deletionTimestamp !== undefined) return undefined;
  const rest = name.slice(prefix.length);
  return /^(0|[1-9]\d*)$/.test(rest) ? Number(rest) : undefined;
}

/**
 * The retained data claims a new cluster must not start over, or undefined when there are none or
 * they can be adopted (every credential Secret holds a password and member 0 has its claim).
 */
export function retainedVolumes(parent: KubeObject, observed: ObservedCluster): RetainedVolumes | undefined {
  if (observed.statefulSet !== undefined || observed.orphanStatefulSet !== undefined) return undefined;
  const names = clusterNames(parent.metadata);
  const prefix = `${DATA_VOLUME}-${names.statefulSet}-`;
  const found = observed.pvcs
    .map((pvc) => ({ name: pvc.metadata.name, ordinal: ordinalOf(pvc, prefix) }))
    .filter((c): c is { name: string; ordinal: number } => c.ordinal !== undefined)
    .sort((a, b) => a.ordinal - b.ordinal);
  if (found.length === 0) return undefined;
  const missingSecrets = Object.values(names.secrets).filter(
    (n) => observedPassword(observed.secrets[n]) === undefined,
  );
  // Stryker disable next-line OptionalChaining: found is not empty here (returned above when it is)
  const firstMissing = found[0]?.ordinal !== 0;
  if (missingSecrets.length === 0 && !firstMissing) return undefined;
  return { claims: found.map((c) => c.name), missingSecrets, firstMissing };
}

/** The Ready condition of a cluster held back by retained volumes: what to do about them. */
export function retainedVolumesCondition(r: RetainedVolumes, clusterName: string): ConditionInput {
  const first = `${DATA_VOLUME}-${clusterNames({ name: clusterName }).statefulSet}-0`;
  const found = `data volumes of an earlier cluster of this name were retained (${r.claims.join(', ')}), so no member is started`;
  const keep = r.firstMissing
    ? `${first} is gone: member 0 would start a new database that the retained members cannot join (system ID mismatch)`
    : `their roles keep the old passwords, and ${r.missingSecrets.join(', ')} ${r.missingSecrets.length > 1 ? 'do' : 'does'} not hold one. ` +
      `To keep the data, create ${r.missingSecrets.length > 1 ? 'these Secrets' : 'this Secret'} with the old password (key "password") ` +
      `and the labels ${CLUSTER_LABEL}=${clusterName}, ${LABELS.managedBy}=pgmeta`;
  return {
    type: 'Ready',
    status: 'False',
    reason: 'RetainedVolumes',
    message: `${found}: ${keep}. To start empty, delete the claims.`,
  };
}
