/**
 * Issue 15, finding 3, on real servers of every supported major: the most a PostgresDatabase gets
 * without opting in (its own roles, CREATEDB, memberships among its roles, every privilege on its
 * database and schemas) gives no path to superuser, to the pod's shell or files, or to the cluster's
 * own roles. Each attack is first shown to work when the spec pgmeta now refuses is rendered anyway
 * (the rendering below bypasses validation on purpose), so the refusal is what stops it.
 */
import type { Client } from 'pg';
import { checkSpec } from '../../../hooks/postgresdatabase/spec/index';
import { resolveSpec } from '../../../hooks/postgresdatabase/spec/resolve';
import { checkSchema } from '../../../hooks/postgresdatabase/spec/schema';
import { PG_MAJORS, type RealServer } from '../../support/pgbin';
import { startTempServer } from '../../support/realpg';
import { exec } from './catalog';
import { apply, resolve } from './fixtures';

jest.setTimeout(120_000);

/** Everything a tenant gets without allowPrivilegedRoles / allowSuperuser. */
const TENANT = {
  clusterRef: { name: 'main' },
  database: { name: 'tenantdb', owner: 'tenant_owner' },
  roles: [
    { name: 'tenant_owner', privileges: ['CREATEDB'] },
    { name: 'tenant_group', login: false },
    { name: 'tenant', privileges: ['CREATEDB'], inRoles: ['tenant_group', 'tenant_owner'] },
  ],
  schemas: [{ name: 'app' }],
  grants: [
    { role: 'tenant', target: 'database', privileges: ['ALL'] },
    { role: 'tenant', target: 'schema', schema: 'app', privileges: ['ALL'] },
  ],
};

/** A spec as the old hook accepted it, rendered without the checks it now fails. */
function renderUnchecked(spec: unknown): ReturnType<typeof resolve> {
  const schema = checkSchema(spec);
  if (!schema.ok) throw new Error(JSON.stringify(schema.errors));
  return resolveSpec({ name: 'evil', namespace: 'apps', uid: 'uid-evil' }, schema.spec);
}

function refusedPaths(spec: unknown): string[] {
  const r = checkSpec({
    apiVersion: 'pgmeta.io/v1alpha1',
    kind: 'PostgresDatabase',
    metadata: { name: 'evil' },
    spec,
  });
  return r.ok ? [] : r.errors.map((e) => `${e.path}: ${e.message}`);
}

const withTenantRole = (role: Record<string, unknown>, extra: Record<string, unknown> = {}): unknown => ({
  ...TENANT,
  database: { name: 'evildb', owner: 'evil' },
  roles: [{ name: 'evil', ...role }],
  schemas: [],
  grants: [],
  ...extra,
});

/** The error a statement run as `user` fails with, or 'ok'. */
async function attempt(
  server: RealServer,
  user: string,
  sql: string,
  database = 'tenantdb',
): Promise<string> {
  const client: Client = await server.connect({ user, database });
  try {
    await client.query(sql);
    return 'ok';
  } catch (e) {
    return (e as Error).message;
  } finally {
    await client.end();
  }
}

const DENIED = /permission denied|must be superuser|must have|only roles with|not allowed|must be a member/i;

describe.each(PG_MAJORS)('PostgreSQL %s: a PostgresDatabase cannot escalate', (major) => {
  let server: RealServer;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ server, close } = await startTempServer(major));
    // What the cluster has before any PostgresDatabase: pgmeta's monitoring role (pg_monitor).
    await exec(server, 'postgres', 'CREATE ROLE pgmeta_monitor LOGIN; GRANT pg_monitor TO pgmeta_monitor');
    await apply(server, resolve(TENANT, 'tenant', 'apps'));
  });
  afterAll(async () => {
    await close();
  });

  it.each([
    ['SET ROLE postgres', 'SET ROLE postgres'],
    ['SET ROLE to the monitoring role', 'SET ROLE pgmeta_monitor'],
    ['a shell through COPY TO PROGRAM', "COPY (SELECT 1) TO PROGRAM 'cat >/dev/null'"],
    ['reading a server file', "SELECT pg_read_file('PG_VERSION')"],
    ['writing a server file', "COPY (SELECT 1) TO '/tmp/pgmeta-escalation'"],
    ['joining pg_execute_server_program', 'GRANT pg_execute_server_program TO tenant'],
    ['becoming superuser', 'ALTER ROLE tenant SUPERUSER'],
    ['taking CREATEROLE', 'ALTER ROLE tenant CREATEROLE'],
    ['creating a role', 'CREATE ROLE someone'],
    ["resetting the superuser's password", "ALTER ROLE postgres PASSWORD 'mine'"],
    ["resetting the monitoring role's password", "ALTER ROLE pgmeta_monitor PASSWORD 'mine'"],
  ])('%s is denied to the rendered role', async (_label, sql) => {
    expect(await attempt(server, 'tenant', sql)).toMatch(DENIED);
  });

  it('membership in postgres: refused by the hook; rendered anyway, it gives SET ROLE postgres', async () => {
    const spec = withTenantRole(
      { inRoles: ['postgres'] },
      { allowPrivilegedRoles: true, allowSuperuser: true },
    );
    expect(refusedPaths(spec)).toEqual(['spec.roles[0].inRoles[0]: names a role the cluster reserves']);
    await apply(server, renderUnchecked(spec));
    expect(await attempt(server, 'evil', 'SET ROLE postgres', 'evildb')).toBe('ok');
    await exec(server, 'postgres', 'REVOKE postgres FROM evil');
  });

  it('pg_execute_server_program: needs allowPrivilegedRoles; with it, COPY TO PROGRAM runs', async () => {
    const spec = withTenantRole({ inRoles: ['pg_execute_server_program'] });
    expect(refusedPaths(spec)).toEqual([
      'spec.roles[0].inRoles[0]: membership in a predefined pg_ role requires allowPrivilegedRoles to be true',
    ]);
    await apply(server, resolve({ ...(spec as object), allowPrivilegedRoles: true }, 'evil', 'apps'));
    expect(await attempt(server, 'evil', "COPY (SELECT 1) TO PROGRAM 'cat >/dev/null'", 'evildb')).toBe('ok');
    await exec(server, 'postgres', 'REVOKE pg_execute_server_program FROM evil');
  });

  it('claiming the monitoring role: refused by the hook; rendered anyway, its password is reset', async () => {
    const spec = {
      ...TENANT,
      database: { name: 'evildb', owner: 'pgmeta_monitor' },
      roles: [{ name: 'pgmeta_monitor' }],
    };
    expect(refusedPaths(spec)).toEqual([
      'spec.database.owner: names a role the cluster reserves',
      'spec.roles[0].name: is a reserved role name',
    ]);
    const db = renderUnchecked({ ...spec, grants: [], schemas: [] });
    const before = await rolpassword(server, 'pgmeta_monitor');
    await apply(server, db);
    expect(await rolpassword(server, 'pgmeta_monitor')).not.toEqual(before);
  });

  it(`CREATEROLE ${Number(major) < 16 ? 'reaches' : 'no longer reaches'} pg_execute_server_program: it needs allowPrivilegedRoles`, async () => {
    const spec = withTenantRole(
      { privileges: ['CREATEROLE'] },
      { database: { name: 'evildb2', owner: 'evil2' } },
    );
    expect(refusedPaths(spec)).toEqual([
      'spec.roles[0].privileges: CREATEROLE, REPLICATION and BYPASSRLS require allowPrivilegedRoles to be true',
    ]);
    const db = resolve(
      {
        ...(spec as object),
        allowPrivilegedRoles: true,
        roles: [{ name: 'evil2', privileges: ['CREATEROLE'] }],
      },
      'evil2',
      'apps',
    );
    await apply(server, db);
    const result = await attempt(server, 'evil2', 'GRANT pg_execute_server_program TO evil2', 'evildb2');
    // Before 16, CREATEROLE could grant any non-superuser role (PostgreSQL 16 release notes).
    if (Number(major) < 16) expect(result).toBe('ok');
    else expect(result).toMatch(DENIED);
  });
});

async function rolpassword(server: RealServer, role: string): Promise<string | null> {
  const client = await server.connect();
  try {
    const res = await client.query<{ p: string | null }>(
      'SELECT rolpassword AS p FROM pg_authid WHERE rolname = $1',
      [role],
    );
    return res.rows[0]?.p ?? null;
  } finally {
    await client.end();
  }
}
