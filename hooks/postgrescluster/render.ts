/**
 * Every desired child of a valid cluster, and the child types the controller declares.
 *
 * A pure function of the resolved cluster and its inputs: the same inputs give byte-identical
 * children (docs/architecture.md rule 5). The response builder sorts and sanitizes; this module only renders.
 */
import type { KubeObject } from '../lib/k8s.js';
import { buildBootstrapJob } from './children/bootstrap-job.js';
import { buildPodDisruptionBudgets } from './children/pdb.js';
import { buildRole } from './children/role.js';
import { buildRoleBinding } from './children/rolebinding.js';
import { buildSecrets, resolveCredentials } from './children/secrets.js';
import { buildServiceAccount } from './children/serviceaccount.js';
import { buildServices } from './children/services.js';
import { buildStatefulSet } from './children/statefulset.js';
import { renderMetrics } from './metrics/index.js';
import { renderNetworkPolicies } from './netpol/index.js';
import { buildRestApiSecret, restApiPassword } from './patroni/rest-api.js';
import { renderPooler } from './pooler/index.js';
import { withCredentialGenerations } from './rotation/render.js';
import type { CredentialPurpose } from './names.js';
import type { ResolvedCluster } from './spec/resolved.js';

export interface RenderInputs {
  operatorKey: Uint8Array;
  /** Observed Secrets of this cluster, by name: their passwords are reused so they never rotate. */
  observedSecrets: Readonly<Record<string, KubeObject>>;
  /** Canonical JSON of the raw spec these children are rendered from (stored on the StatefulSet). */
  specJson: string;
  /** The issued certificate carries a CA the members name (tls/ca.ts). @default false */
  certificateCa?: boolean;
  /** A drain may take one replica: the primary is ready and no operation moves it (children/pdb.ts). @default false */
  primaryReady?: boolean;
  /** Passwords new credential Secrets start from (a standby's source's: standby/credentials.ts). */
  seedPasswords?: Readonly<Partial<Record<CredentialPurpose, string>>>;
}

/** Every desired child of a valid cluster, in any order (the response builder sorts). */
export function renderChildren(cluster: ResolvedCluster, inputs: RenderInputs): KubeObject[] {
  const credentials = resolveCredentials(cluster, inputs);
  const children = [
    buildServiceAccount(cluster),
    buildRole(cluster),
    buildRoleBinding(cluster),
    ...buildSecrets(cluster, credentials),
    buildRestApiSecret(cluster, restApiPassword(cluster, inputs)),
    ...buildServices(cluster),
    buildStatefulSet(cluster, { specJson: inputs.specJson, certificateCa: inputs.certificateCa ?? false }),
    ...buildPodDisruptionBudgets(cluster, { primaryReady: inputs.primaryReady ?? false }),
    ...buildBootstrapJob(cluster, { operatorKey: inputs.operatorKey, appPassword: credentials.app.password }),
    ...renderPooler(cluster, inputs),
    ...renderNetworkPolicies(cluster),
    ...renderMetrics(cluster, inputs),
  ];
  return withCredentialGenerations(children, cluster, inputs.observedSecrets);
}

/** How Metacontroller updates an observed child that differs from the desired one. */
export type ChildUpdateStrategy = 'OnDelete' | 'InPlace';

export interface ChildType {
  kind: string;
  apiVersion: string;
  /** Plural resource name, as in the CompositeController's `childResources`. */
  resource: string;
  updateStrategy: ChildUpdateStrategy;
}

/**
 * Child types this controller declares: kind, apiVersion, plural resource, update strategy.
 * Secrets are `OnDelete` so credentials are never rewritten; Jobs too, because a Job's pod template
 * is immutable (a changed Job gets a new name instead). Everything else is updated in place; the
 * StatefulSet then rolls its own pods.
 */
export const CHILD_TYPES: readonly ChildType[] = [
  { kind: 'ServiceAccount', apiVersion: 'v1', resource: 'serviceaccounts', updateStrategy: 'InPlace' },
  { kind: 'Role', apiVersion: 'rbac.authorization.k8s.io/v1', resource: 'roles', updateStrategy: 'InPlace' },
  {
    kind: 'RoleBinding',
    apiVersion: 'rbac.authorization.k8s.io/v1',
    resource: 'rolebindings',
    updateStrategy: 'InPlace',
  },
  { kind: 'Secret', apiVersion: 'v1', resource: 'secrets', updateStrategy: 'OnDelete' },
  { kind: 'Service', apiVersion: 'v1', resource: 'services', updateStrategy: 'InPlace' },
  { kind: 'StatefulSet', apiVersion: 'apps/v1', resource: 'statefulsets', updateStrategy: 'InPlace' },
  {
    kind: 'PodDisruptionBudget',
    apiVersion: 'policy/v1',
    resource: 'poddisruptionbudgets',
    updateStrategy: 'InPlace',
  },
  { kind: 'Job', apiVersion: 'batch/v1', resource: 'jobs', updateStrategy: 'OnDelete' },
  // PgBouncer poolers (spec.pgbouncer): their Deployments and pgbouncer.ini ConfigMaps.
  { kind: 'Deployment', apiVersion: 'apps/v1', resource: 'deployments', updateStrategy: 'InPlace' },
  { kind: 'ConfigMap', apiVersion: 'v1', resource: 'configmaps', updateStrategy: 'InPlace' },
  // spec.networkPolicy
  {
    kind: 'NetworkPolicy',
    apiVersion: 'networking.k8s.io/v1',
    resource: 'networkpolicies',
    updateStrategy: 'InPlace',
  },
];
