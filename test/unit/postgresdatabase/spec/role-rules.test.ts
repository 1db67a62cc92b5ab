/**
 * Issue 15, finding 3: a PostgresDatabase must not reach superuser or the cluster's own roles. Every
 * field naming a role is checked (CEL mirror), privileged attributes and pg_ memberships need
 * allowPrivilegedRoles, and the sync hook refuses the cluster's bootstrap owner and database.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CLUSTER_ROLES, PGMETA_ROLE_PREFIX } from '../../../../hooks/lib/reserved-names';
import { runHook } from '../../../../hooks/metacontroller/dispatch';
import type { SyncResponse } from '../../../../hooks/metacontroller/types';
import { MONITOR_USER } from '../../../../hooks/postgrescluster/metrics/names';
import { POOLER_USER } from '../../../../hooks/postgrescluster/pooler/names';
import { postgresDatabaseController } from '../../../../hooks/postgresdatabase/controller';
import { checkSpec } from '../../../../hooks/postgresdatabase/spec/index';
import { CTX, exampleSpec, parent, request } from '../../../golden/postgresdatabase/requests';

const ROOT = join(__dirname, '..', '..', '..', '..');
const BASE = {
  clusterRef: { name: 'main' },
  database: { name: 'shop', owner: 'owner' },
  roles: [{ name: 'owner' }, { name: 'app' }],
  schemas: [{ name: 's' }],
};

function errorsOf(spec: unknown): { path: string; message: string }[] {
  const r = checkSpec({
    apiVersion: 'pgmeta.io/v1alpha1',
    kind: 'PostgresDatabase',
    metadata: { name: 'db', namespace: 'ns', uid: 'u' },
    spec,
  });
  return r.ok ? [] : r.errors;
}

const withRole = (role: Record<string, unknown>, extra: Record<string, unknown> = {}): unknown => ({
  ...BASE,
  roles: [...BASE.roles, { name: 'x', ...role }],
  ...extra,
});
const grant = (g: Record<string, unknown>): unknown => ({
  ...BASE,
  grants: [{ role: 'app', target: 'tables', schema: 's', privileges: ['SELECT'], ...g }],
});

const CLUSTER = 'names a role the cluster reserves';
const PREDEFINED = 'names a predefined pg_ role';
const RESERVED = 'is a reserved role name';
const ATTRS = 'CREATEROLE, REPLICATION and BYPASSRLS require allowPrivilegedRoles to be true';
const MEMBER = 'membership in a predefined pg_ role requires allowPrivilegedRoles to be true';

describe('role names the cluster reserves, in every field', () => {
  it.each([
    ['member of postgres', withRole({ inRoles: ['postgres'] }), 'spec.roles[2].inRoles[0]', CLUSTER],
    ['member of standby', withRole({ inRoles: ['standby'] }), 'spec.roles[2].inRoles[0]', CLUSTER],
    ['member of admin (set_user)', withRole({ inRoles: ['admin'] }), 'spec.roles[2].inRoles[0]', CLUSTER],
    ['member of the pooler role', withRole({ inRoles: [POOLER_USER] }), 'spec.roles[2].inRoles[0]', CLUSTER],
    ['claims the pooler role', { ...BASE, roles: [{ name: POOLER_USER }] }, 'spec.roles[0].name', RESERVED],
    ['claims the monitor role', { ...BASE, roles: [{ name: MONITOR_USER }] }, 'spec.roles[0].name', RESERVED],
    ['claims cron_admin', { ...BASE, roles: [{ name: 'cron_admin' }] }, 'spec.roles[0].name', RESERVED],
    [
      'owner postgres',
      { ...BASE, database: { name: 'shop', owner: 'postgres' } },
      'spec.database.owner',
      CLUSTER,
    ],
    [
      'owner pg_write_server_files',
      { ...BASE, database: { name: 'shop', owner: 'pg_write_server_files' } },
      'spec.database.owner',
      PREDEFINED,
    ],
    [
      'schema owner admin',
      { ...BASE, schemas: [{ name: 's', owner: 'admin' }] },
      'spec.schemas[0].owner',
      CLUSTER,
    ],
    ['grant to the monitor role', grant({ role: MONITOR_USER }), 'spec.grants[0].role', CLUSTER],
    ['grant to pg_monitor', grant({ role: 'pg_monitor' }), 'spec.grants[0].role', PREDEFINED],
    [
      'default privileges for postgres',
      grant({ defaultPrivileges: true, forRole: 'postgres' }),
      'spec.grants[0].forRole',
      CLUSTER,
    ],
  ])('%s', (_label, spec, path, message) => {
    expect(errorsOf(spec)).toContainEqual({ path, message });
  });

  it('stays refused with allowPrivilegedRoles and allowSuperuser', () => {
    const spec = withRole({ inRoles: ['postgres'] }, { allowPrivilegedRoles: true, allowSuperuser: true });
    expect(errorsOf(spec)).toEqual([{ path: 'spec.roles[2].inRoles[0]', message: CLUSTER }]);
  });

  it("covers pgmeta's own roles through their prefix", () => {
    expect(POOLER_USER.startsWith(PGMETA_ROLE_PREFIX)).toBe(true);
    expect(MONITOR_USER.startsWith(PGMETA_ROLE_PREFIX)).toBe(true);
  });

  it('uses the very list of CLUSTER_ROLES in every CEL rule of the CRD', () => {
    const text = readFileSync(join(ROOT, 'crds', 'postgresdatabases.yaml'), 'utf8');
    const rules = [...text.matchAll(/rule: "(.*)"\n\s*message: names a role the cluster reserves/g)].map(
      (m) => m[1],
    );
    const list = CLUSTER_ROLES.map((r) => `'${r}'`).join(', ');
    expect(rules).toHaveLength(5);
    for (const rule of rules) expect(rule).toBe(`!self.startsWith('pgmeta_') && !(self in [${list}])`);
    expect(parse(text)).toBeDefined();
  });
});

describe('privileged roles need allowPrivilegedRoles', () => {
  it.each<[string, unknown, string, string]>([
    ['CREATEROLE', withRole({ privileges: ['CREATEDB', 'CREATEROLE'] }), 'spec.roles[2].privileges', ATTRS],
    ['REPLICATION', withRole({ privileges: ['REPLICATION'] }), 'spec.roles[2].privileges', ATTRS],
    ['BYPASSRLS', withRole({ privileges: ['BYPASSRLS'] }), 'spec.roles[2].privileges', ATTRS],
    ...['pg_execute_server_program', 'pg_read_server_files', 'pg_write_server_files', 'pg_read_all_data'].map(
      (r): [string, unknown, string, string] => [
        r,
        withRole({ inRoles: ['app', r] }),
        'spec.roles[2].inRoles[1]',
        MEMBER,
      ],
    ),
  ])('%s', (_label, spec, path, message) => {
    expect(errorsOf(spec)).toEqual([{ path, message }]);
  });

  it('are accepted once allowPrivilegedRoles is true', () => {
    const role = {
      privileges: ['CREATEROLE', 'REPLICATION', 'BYPASSRLS'],
      inRoles: ['pg_execute_server_program'],
    };
    expect(errorsOf(withRole(role, { allowPrivilegedRoles: true }))).toEqual([]);
  });

  it('leaves CREATEDB, group roles and PUBLIC grants alone', () => {
    expect(errorsOf(withRole({ privileges: ['CREATEDB'], inRoles: ['app'] }))).toEqual([]);
    expect(errorsOf(grant({ role: 'public' }))).toEqual([]);
  });
});

describe('the sync hook refuses what the cluster spec reserves', () => {
  const sync = (spec: Record<string, unknown>): SyncResponse =>
    runHook({
      def: postgresDatabaseController,
      hook: 'sync',
      body: request({ parent: parent({ spec, generation: 1 }), children: [], clusterReady: true }),
      ctx: CTX,
    }) as SyncResponse;
  const specValid = (r: SyncResponse): unknown =>
    (r.status as { conditions: { type: string; message: string }[] }).conditions.find(
      (c) => c.type === 'SpecValid',
    );

  it.each([
    ['a role named after the bootstrap owner', { roles: [{ name: 'app' }] }, 'spec.roles[0].name'],
    [
      'membership in the bootstrap owner',
      { roles: [{ name: 'x', inRoles: ['app'] }] },
      'spec.roles[0].inRoles[0]',
    ],
    ['the bootstrap owner as owner', { database: { name: 'shop', owner: 'app' } }, 'spec.database.owner'],
    ['the bootstrap database', { database: { name: 'app', owner: 'shop_owner' } }, 'spec.database.name'],
  ])('%s', (_label, change, path) => {
    const spec = { ...exampleSpec(), ...change };
    const r = sync(spec);
    expect(r.children).toEqual([]);
    expect(specValid(r)).toMatchObject({ status: 'False', message: expect.stringContaining(path) as string });
  });

  it('renders the example, whose names the cluster does not reserve', () => {
    expect(sync(exampleSpec()).children.length).toBeGreaterThan(0);
  });
});
