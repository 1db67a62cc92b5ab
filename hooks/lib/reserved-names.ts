/**
 * Names a user's spec must not claim, because PostgreSQL or the Spilo image already owns them. Both
 * CRDs refuse them in CEL rules; their TypeScript mirrors read these lists.
 */

/** Databases PostgreSQL itself needs. */
export const RESERVED_DATABASES: readonly string[] = ['postgres', 'template0', 'template1'];

/**
 * Roles the cluster already uses (Patroni's superuser and replication user, the roles Spilo's
 * post_init creates) and role names PostgreSQL refuses; the `pg_` prefix is reserved as well.
 */
export const SPILO_ROLES: readonly string[] = [
  'postgres',
  'standby',
  'admin',
  'cron_admin',
  'robot_zmon',
  'zalandos',
  'public',
  'none',
];
