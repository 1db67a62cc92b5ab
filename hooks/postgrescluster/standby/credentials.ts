/**
 * A standby's credentials are its source's: the data directory is a physical copy, so the roles and
 * their passwords are the source's, and the standby leader streams as the source's replication user
 * (Patroni v4.0.4 `Ha.get_remote_member`: the remote member is reached with the local
 * `authentication.replication` settings, which Spilo fills from `PGUSER_STANDBY`/`PGPASSWORD_STANDBY`).
 * The user gives Secrets with the source's passwords (`spec.standby.credentials`); they seed the
 * cluster's own credential Secrets when those are created, which then never change (docs/architecture.md rule 6),
 * so the passwords stay right after a promotion and for a later standby of this cluster.
 */
import type { KubeObject } from '../../lib/k8s.js';
import { observedPassword } from '../children/secrets.js';
import { clusterNames, type CredentialPurpose } from '../names.js';
import type { ResolvedCluster } from '../spec/resolved.js';

const PURPOSES: readonly CredentialPurpose[] = ['superuser', 'replication', 'app'];

/** The source's passwords from the observed Secrets named by `spec.standby.credentials`. */
export function standbySeeds(
  cluster: ResolvedCluster,
  userSecrets: Readonly<Record<string, KubeObject>>,
): Partial<Record<CredentialPurpose, string>> {
  const names = cluster.standby?.credentials;
  if (!names) return {};
  const seeds: Partial<Record<CredentialPurpose, string>> = {};
  for (const purpose of PURPOSES) {
    const password = observedPassword(userSecrets[names[purpose]]);
    if (password !== undefined) seeds[purpose] = password;
  }
  return seeds;
}

/**
 * The children without the credential Secrets a standby cannot fill yet: one neither observed nor
 * seeded would be created with a derived password and keep it for good, unlike the source's roles.
 */
export function holdUnseededSecrets(
  children: readonly KubeObject[],
  input: {
    cluster: ResolvedCluster;
    observedSecrets: Readonly<Record<string, KubeObject>>;
    seeds: Partial<Record<CredentialPurpose, string>>;
  },
): KubeObject[] {
  const { cluster, observedSecrets, seeds } = input;
  if (!cluster.standby) return [...children];
  const names = clusterNames(cluster).secrets;
  const held = new Set(
    PURPOSES.filter((p) => seeds[p] === undefined && observedSecrets[names[p]] === undefined).map(
      (p) => names[p],
    ),
  );
  return children.filter((c) => !(c.kind === 'Secret' && held.has(c.metadata.name)));
}
