/**
 * Specs for the real-server tests, and a way to run what the Job would run for them.
 */
import { roleVerifiers } from '../../../hooks/postgresdatabase/secrets';
import { checkSpec, type ResolvedDatabase } from '../../../hooks/postgresdatabase/spec/index';
import { applySteps, deleteSteps } from '../../../hooks/postgresdatabase/sql/index';
import type { RealServer } from '../../support/pgbin';
import { runSteps, type ScriptRun } from '../../support/realpg';

/** A parent object around `spec`, resolved (fails the test when the spec is invalid). */
export function resolve(spec: unknown, name = 'shop', namespace = 'apps'): ResolvedDatabase {
  const result = checkSpec({
    apiVersion: 'pgmeta.io/v1alpha1',
    kind: 'PostgresDatabase',
    metadata: { name, namespace, uid: `uid-${namespace}-${name}` },
    spec,
  });
  if (!result.ok) throw new Error(`invalid spec: ${JSON.stringify(result.errors)}`);
  return result.resolved;
}

/** The password every role gets in these tests: what its Secret would hold. */
export function passwordOf(role: string): string {
  return `pw-${Buffer.from(role).toString('base64url')}`;
}

/**
 * The Job's environment: what its own Secret holds, each role's SCRAM verifier (as the hook computes
 * it from the password) under its variable, so the server never sees the password (issue 15).
 */
export function jobEnv(db: ResolvedDatabase): Record<string, string> {
  const passwords = db.secrets.map((s) => passwordOf(s.role));
  const verifiers = roleVerifiers({ db, passwords, operatorKey: new Uint8Array(32).fill(4) });
  return Object.fromEntries(verifiers.map((v) => [v.env, v.value]));
}

export function apply(server: RealServer, db: ResolvedDatabase): Promise<ScriptRun> {
  return runSteps(server, applySteps(db.model), { env: jobEnv(db) });
}

export function drop(server: RealServer, db: ResolvedDatabase): Promise<ScriptRun> {
  return runSteps(server, deleteSteps(db.model), { env: jobEnv(db) });
}

export const ODD_ROLE = 'Ünïcode "ro"; x\'y';

/** The first spec: several roles, schemas, extensions, grants with default privileges. */
export const SHOP_A = {
  clusterRef: { name: 'main' },
  // The odd role has REPLICATION and BYPASSRLS: the spec opts in (issue 15).
  allowPrivilegedRoles: true,
  database: { name: 'shop', owner: 'shop_owner', connectionLimit: 50 },
  roles: [
    { name: 'shop_owner', privileges: ['CREATEDB'] },
    { name: 'readers', login: false },
    { name: 'shop_ro', inRoles: ['readers'], validUntil: '2031-01-01T00:00:00Z' },
    { name: 'shop_rw', inRoles: ['readers'], connectionLimit: 10 },
    { name: ODD_ROLE, inherit: false, privileges: ['BYPASSRLS', 'REPLICATION'] },
    { name: 'legacy' },
    { name: 'old_app' },
  ],
  schemas: [{ name: 'app' }, { name: 'ext' }, { name: 'reporting', owner: 'readers' }],
  extensions: [
    { name: 'citext', schema: 'ext' },
    { name: 'hstore', version: '1.7' },
  ],
  grants: [
    { role: 'readers', target: 'database', privileges: ['CONNECT'] },
    { role: 'readers', target: 'schema', schema: 'app', privileges: ['USAGE'] },
    { role: 'readers', target: 'tables', schema: 'app', privileges: ['SELECT'], defaultPrivileges: true },
    {
      role: 'shop_rw',
      target: 'tables',
      schema: 'app',
      privileges: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
      defaultPrivileges: true,
    },
    {
      role: 'shop_rw',
      target: 'sequences',
      schema: 'app',
      privileges: ['USAGE', 'SELECT'],
      defaultPrivileges: true,
    },
    { role: ODD_ROLE, target: 'functions', schema: 'app', privileges: ['EXECUTE'] },
  ],
  reclaimPolicy: 'delete',
};

/**
 * The changed spec: a grant narrowed (DELETE gone), default privileges dropped for readers, roles
 * removed (one created, one adopted), a membership removed, attributes and limits changed, an
 * extension added and one removed.
 */
export const SHOP_B = {
  ...SHOP_A,
  database: { name: 'shop', owner: 'shop_owner', connectionLimit: 100 },
  roles: [
    { name: 'shop_owner', connectionLimit: 20 },
    { name: 'readers', login: false },
    { name: 'shop_rw', connectionLimit: 10 },
    { name: ODD_ROLE, inherit: false, privileges: ['BYPASSRLS', 'REPLICATION'] },
    { name: 'legacy' },
  ],
  extensions: [
    { name: 'citext', schema: 'ext' },
    { name: 'pg_trgm', schema: 'ext' },
  ],
  grants: [
    { role: 'readers', target: 'database', privileges: ['CONNECT'] },
    { role: 'readers', target: 'schema', schema: 'app', privileges: ['USAGE'] },
    { role: 'readers', target: 'tables', schema: 'app', privileges: ['SELECT'] },
    {
      role: 'shop_rw',
      target: 'tables',
      schema: 'app',
      privileges: ['SELECT', 'INSERT', 'UPDATE'],
      defaultPrivileges: true,
    },
    {
      role: 'shop_rw',
      target: 'sequences',
      schema: 'app',
      privileges: ['USAGE', 'SELECT'],
      defaultPrivileges: true,
    },
    { role: ODD_ROLE, target: 'functions', schema: 'app', privileges: ['EXECUTE'] },
  ],
};

export const WATCHED = ['shop_owner', 'readers', 'shop_ro', 'shop_rw', ODD_ROLE, 'legacy', 'old_app'];
