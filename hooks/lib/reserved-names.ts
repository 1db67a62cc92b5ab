/**
 * Names a user's spec must not claim, because PostgreSQL or the Spilo image already owns them. Both
 * CRDs refuse them in CEL rules; their TypeScript mirrors read these lists.
 */

/** Databases PostgreSQL itself needs. */
export const RESERVED_DATABASES: readonly string[] = ['postgres', 'template0', 'template1'];

/**
 * Roles every cluster already has. Patroni's superuser and replication user (Spilo's
 * `PGUSER_SUPERUSER` / `PGUSER_STANDBY` defaults in configure_spilo.py, which pgmeta keeps), and the
 * roles Spilo's post_init.sh creates: `admin` (CREATEDB, EXECUTE on set_user(), which switches to any
 * role), `cron_admin` (pg_cron jobs), the `HUMAN_ROLE` (`zalandos` by default, PAM logins) and
 * `robot_zmon`. Whoever claims one of them, or joins it, gets what it can do.
 */
export const CLUSTER_ROLES: readonly string[] = [
  'postgres',
  'standby',
  'admin',
  'cron_admin',
  'robot_zmon',
  'zalandos',
];

/** Prefix of the login roles pgmeta creates itself (the pooler's lookup role, the monitoring role). */
export const PGMETA_ROLE_PREFIX = 'pgmeta_';

/** Prefix PostgreSQL reserves for its predefined roles: CREATE ROLE refuses it. */
export const PREDEFINED_ROLE_PREFIX = 'pg_';

/** A role the cluster or pgmeta owns: no user spec may name it, in any field. */
export function isClusterRole(name: string): boolean {
  return CLUSTER_ROLES.includes(name) || name.startsWith(PGMETA_ROLE_PREFIX);
}

/**
 * Roles the cluster already uses ({@link CLUSTER_ROLES}) and role names PostgreSQL refuses; the `pg_`
 * prefix is reserved as well.
 */
export const SPILO_ROLES: readonly string[] = [...CLUSTER_ROLES, 'public', 'none'];
