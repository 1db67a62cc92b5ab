/**
 * Credential rotation generations: what `spec.credentialRotation` asks for, and what each
 * credential's Secret holds.
 *
 * A generation is a counter per credential (0 when never rotated). The password of generation `g`
 * is derived like every other pgmeta password, from the operator key and the cluster's UID, with the
 * generation in the HMAC input (children/secrets.ts `derivePassword`), so it is deterministic (a
 * retried Job or a stale cache computes the same one) and differs from every earlier one. The
 * rotation Job writes the generation it applied next to the password, as an annotation on the
 * credential's Secret; the hook reads it back from there, so the state of a rotation is observed,
 * never remembered.
 */
import type { PostgresClusterSpec } from '../../generated/postgrescluster.types.js';
import type { KubeObject } from '../../lib/k8s.js';
import { clusterNames, DB_USERS } from '../names.js';
import { MONITOR_USER, monitoringSecretName } from '../metrics/names.js';
import { POOLER_USER, poolerSecretName } from '../pooler/names.js';
import type { CredentialGenerations, ResolvedCluster, RotatedPurpose } from '../spec/resolved.js';

/**
 * Every rotatable credential, in the order the rotation Job takes them: the superuser last, because
 * the Job itself logs in as the superuser.
 */
export const ROTATED_PURPOSES: readonly RotatedPurpose[] = [
  'app',
  'pooler',
  'monitoring',
  'replication',
  'superuser',
];

/**
 * Credentials whose users hold the password in their environment: the database containers
 * (`PGPASSWORD_SUPERUSER`, `PGPASSWORD_STANDBY`, the exporter's `DATA_SOURCE_PASS`), so the members
 * restart once the Secret holds a new one. Spilo 4.0-p3 writes the first two into Patroni's
 * `postgresql.authentication` only when the container starts (configure_spilo.py `TEMPLATE`, `main`),
 * and Patroni v4.0.4 uses them over TCP: replication for `primary_conninfo` through its pgpass file
 * (patroni/postgresql/config.py `ConfigHandler._write_recovery_params`, `write_pgpass`) and for
 * `pg_basebackup` (bootstrap.py `Bootstrap.create_replica`); the superuser for pg_rewind and its
 * checks against the leader (config.py `rewind_credentials`, rewind.py `Rewind._conn_kwargs`).
 * Patroni's `POST /restart` restarts PostgreSQL only, not the container, so a new pod is needed.
 */
export const MEMBER_PURPOSES: readonly RotatedPurpose[] = ['monitoring', 'replication', 'superuser'];

/** On a credential Secret: the generation whose password it holds (absent: 0). */
export const GENERATION_ANNOTATION = 'pgmeta.io/credential-generation';

/**
 * On the members' pod template: the generations of {@link MEMBER_PURPOSES} their Secrets hold, so
 * a Secret rewritten by a rotation changes the template and the rollout restarts the members.
 */
export const MEMBER_GENERATIONS_ANNOTATION = 'pgmeta.io/credential-generations';

/** `spec.credentialRotation` with every absent generation 0. */
export function resolveCredentialRotation(spec: PostgresClusterSpec): CredentialGenerations {
  const r = spec.credentialRotation ?? {};
  return {
    app: r.app ?? 0,
    superuser: r.superuser ?? 0,
    replication: r.replication ?? 0,
    pooler: r.pooler ?? 0,
    monitoring: r.monitoring ?? 0,
  };
}

/** The Secret that holds a credential. */
export function rotatedSecretName(cluster: Pick<ResolvedCluster, 'name'>, purpose: RotatedPurpose): string {
  if (purpose === 'pooler') return poolerSecretName(cluster);
  if (purpose === 'monitoring') return monitoringSecretName(cluster);
  return clusterNames(cluster).secrets[purpose];
}

/** The PostgreSQL role a credential logs in as. */
export function rotatedRole(cluster: Pick<ResolvedCluster, 'bootstrap'>, purpose: RotatedPurpose): string {
  switch (purpose) {
    case 'app':
      return cluster.bootstrap.owner;
    case 'pooler':
      return POOLER_USER;
    case 'monitoring':
      return MONITOR_USER;
    case 'superuser':
    case 'replication':
      return DB_USERS[purpose];
  }
}

/** The generation a Secret's annotation records: 0 when absent or not a plain non-negative integer. */
export function appliedGeneration(secret: KubeObject | undefined): number {
  const raw = secret?.metadata.annotations?.[GENERATION_ANNOTATION];
  return raw !== undefined && /^(0|[1-9][0-9]{0,8})$/.test(raw) ? Number(raw) : 0;
}

/** The annotation that records `generation`; none for 0, so clusters that never rotate keep their objects. */
export function generationAnnotation(generation: number): Record<string, string> {
  return generation > 0 ? { [GENERATION_ANNOTATION]: String(generation) } : {};
}

/**
 * The generation a rendered credential Secret records: the observed Secret's (a Secret is never
 * rewritten by the hook, so its annotation describes its password), else the requested one, whose
 * derived password a new Secret gets.
 */
export function renderedGeneration(observed: KubeObject | undefined, requested: number): number {
  return observed ? appliedGeneration(observed) : requested;
}

/**
 * The members' template annotation: `monitoring=1,replication=2` for the non-zero generations their
 * Secrets hold (or will hold when created), or none, so a cluster that never rotated keeps its pod
 * template.
 */
export function memberGenerations(
  cluster: Pick<ResolvedCluster, 'name' | 'credentialRotation'>,
  observedSecrets: Readonly<Record<string, KubeObject>>,
): Record<string, string> {
  const parts = MEMBER_PURPOSES.map((p) => {
    const observed = observedSecrets[rotatedSecretName(cluster, p)];
    return [p, renderedGeneration(observed, cluster.credentialRotation[p])] as const;
  })
    .filter(([, g]) => g > 0)
    .map(([p, g]) => `${p}=${String(g)}`);
  return parts.length > 0 ? { [MEMBER_GENERATIONS_ANNOTATION]: parts.join(',') } : {};
}
