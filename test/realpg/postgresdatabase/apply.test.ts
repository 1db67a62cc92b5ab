/**
 * The generated SQL on a real server of every supported major, run the way the Job runs it. The
 * phases of one major build on each other (apply, change, retain, delete), on one server per major.
 */
import { marker } from '../../../hooks/postgresdatabase/sql/markers';
import { PG_MAJORS, type Major, type RealServer } from '../../support/pgbin';
import { startTempServer } from '../../support/realpg';
import {
  allRoleNames,
  databaseNames,
  databaseState,
  exec,
  insideState,
  passwordMatches,
  roleStates,
  type RoleState,
} from './catalog';
import { ODD_ROLE, SHOP_A, SHOP_B, WATCHED, apply, drop, passwordOf, resolve } from './fixtures';

jest.setTimeout(60_000);

const CREATED = marker('apps/shop', true);
const ADOPTED = marker('apps/shop', false);

function role(overrides: Partial<RoleState>): RoleState {
  return {
    login: true,
    inherit: true,
    attributes: [],
    connectionLimit: -1,
    validUntil: 'infinity',
    memberOf: [],
    comment: CREATED,
    ...overrides,
  };
}

const ROLES_A: Record<string, RoleState> = {
  shop_owner: role({ attributes: ['CREATEDB'] }),
  readers: role({ login: false }),
  shop_ro: role({ memberOf: ['readers'], validUntil: '2031-01-01T00:00:00Z' }),
  shop_rw: role({ memberOf: ['readers'], connectionLimit: 10 }),
  [ODD_ROLE]: role({ inherit: false, attributes: ['REPLICATION', 'BYPASSRLS'] }),
  legacy: role({ comment: ADOPTED }),
  old_app: role({ comment: ADOPTED }),
};

const PRIVILEGES_A = [
  'readers CONNECT database shop',
  'readers SELECT table app.items',
  'readers USAGE schema app',
  'shop_rw DELETE table app.items',
  'shop_rw INSERT table app.items',
  'shop_rw SELECT sequence app.items_id_seq',
  'shop_rw SELECT table app.items',
  'shop_rw UPDATE table app.items',
  'shop_rw USAGE sequence app.items_id_seq',
  `${ODD_ROLE} EXECUTE function app.total`,
].sort();

const DEFAULTS_A = [
  'shop_owner app r: readers SELECT',
  'shop_owner app r: shop_rw DELETE',
  'shop_owner app r: shop_rw INSERT',
  'shop_owner app r: shop_rw SELECT',
  'shop_owner app r: shop_rw UPDATE',
  'shop_owner app S: shop_rw SELECT',
  'shop_owner app S: shop_rw USAGE',
].sort();

function schemas(major: Major): Record<string, string> {
  // PostgreSQL 15 made the public schema owned by pg_database_owner.
  const publicOwner = Number(major) >= 15 ? 'pg_database_owner' : 'postgres';
  return {
    app: 'shop_owner',
    ext: 'shop_owner',
    reporting: 'readers',
    pgmeta: 'postgres',
    public: publicOwner,
  };
}

describe.each(PG_MAJORS)('PostgreSQL %s', (major) => {
  let server: RealServer;
  let close: () => Promise<void>;
  const shopA = resolve(SHOP_A);
  const shopB = resolve(SHOP_B);

  beforeAll(async () => {
    ({ server, close } = await startTempServer(major));
    // Roles that exist before pgmeta: declared, they are adopted (converged, never dropped).
    await exec(
      server,
      'postgres',
      "CREATE ROLE legacy NOLOGIN CREATEROLE; COMMENT ON ROLE legacy IS 'made by hand'",
    );
    await exec(server, 'postgres', 'CREATE ROLE old_app NOLOGIN');
  });
  afterAll(async () => close());

  it('applies a spec twice and the catalogs hold exactly the declared state', async () => {
    expect((await apply(server, shopA)).warnings).toEqual([]);
    // Objects the application creates between runs: default privileges must cover them.
    await exec(
      server,
      'shop',
      'SET ROLE shop_owner; CREATE TABLE app.items (id serial PRIMARY KEY, name text); ' +
        'CREATE FUNCTION app.total() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$',
    );
    const beforeSecond = await insideState(server, 'shop', WATCHED);
    expect((await apply(server, shopA)).warnings).toEqual([]);

    expect(await roleStates(server, WATCHED)).toEqual(ROLES_A);
    expect(await databaseState(server, 'shop')).toEqual({
      owner: 'shop_owner',
      connectionLimit: 50,
      encoding: 'UTF8',
      comment: CREATED,
    });
    const inside = await insideState(server, 'shop', WATCHED);
    expect(inside).toEqual({
      schemas: schemas(major),
      extensions: {
        citext: { version: expect.any(String), schema: 'ext' },
        hstore: { version: '1.7', schema: 'public' },
      },
      privileges: PRIVILEGES_A,
      defaults: DEFAULTS_A,
    });
    // Default privileges alone already covered the new objects, except the function (no default for it).
    expect(beforeSecond.privileges).toEqual(PRIVILEGES_A.filter((p) => !p.startsWith(ODD_ROLE)));
    for (const r of shopA.model.roles)
      expect(await passwordMatches(server, r.name, passwordOf(r.name))).toBe(true);
  });

  it('a third run changes nothing', async () => {
    const roles = await roleStates(server, WATCHED);
    const inside = await insideState(server, 'shop', WATCHED);
    await apply(server, shopA);
    expect(await roleStates(server, WATCHED)).toEqual(roles);
    expect(await insideState(server, 'shop', WATCHED)).toEqual(inside);
  });

  it('converges to a changed spec without losing data', async () => {
    // A table owned by a role the new spec removes: it must survive, handed to the database owner.
    await exec(
      server,
      'shop',
      "CREATE TABLE app.ro_owned (v text); INSERT INTO app.ro_owned VALUES ('kept'); ALTER TABLE app.ro_owned OWNER TO shop_ro",
    );
    expect((await apply(server, shopB)).warnings).toEqual([]);

    expect(await roleStates(server, WATCHED)).toEqual({
      shop_owner: role({ connectionLimit: 20 }),
      readers: ROLES_A['readers'],
      shop_rw: role({ connectionLimit: 10 }),
      [ODD_ROLE]: ROLES_A[ODD_ROLE],
      legacy: ROLES_A['legacy'],
      old_app: role({ comment: null }),
    });
    expect((await databaseState(server, 'shop'))?.connectionLimit).toBe(100);
    const inside = await insideState(server, 'shop', WATCHED);
    expect(inside.extensions).toEqual({
      citext: { version: expect.any(String), schema: 'ext' },
      pg_trgm: { version: expect.any(String), schema: 'ext' },
    });
    expect(inside.privileges).toEqual(
      [
        'readers CONNECT database shop',
        'readers SELECT table app.items',
        'readers SELECT table app.ro_owned',
        'readers USAGE schema app',
        'shop_rw INSERT table app.items',
        'shop_rw INSERT table app.ro_owned',
        'shop_rw SELECT sequence app.items_id_seq',
        'shop_rw SELECT table app.items',
        'shop_rw SELECT table app.ro_owned',
        'shop_rw UPDATE table app.items',
        'shop_rw UPDATE table app.ro_owned',
        'shop_rw USAGE sequence app.items_id_seq',
        `${ODD_ROLE} EXECUTE function app.total`,
      ].sort(),
    );
    expect(inside.defaults).toEqual(
      DEFAULTS_A.filter((d) => !d.includes('readers') && !d.includes('DELETE')),
    );
    const client = await server.connect({ database: 'shop' });
    const rows = await client.query(
      "SELECT v, pg_get_userbyid(relowner) AS owner FROM app.ro_owned, pg_class WHERE oid = 'app.ro_owned'::regclass",
    );
    await client.end();
    expect(rows.rows).toEqual([{ v: 'kept', owner: 'shop_owner' }]);
  });

  it('retain: the objects stay, and the same resource created again takes them back', async () => {
    const roles = await roleStates(server, WATCHED);
    const inside = await insideState(server, 'shop', WATCHED);
    // A retained delete runs no SQL; the resource comes back under the same name and a new UID.
    expect((await apply(server, resolve(SHOP_B))).warnings).toEqual([]);
    expect(await roleStates(server, WATCHED)).toEqual(roles);
    expect(await insideState(server, 'shop', WATCHED)).toEqual(inside);
  });

  it('refuses objects another PostgresDatabase manages, and changes nothing', async () => {
    const other = resolve(
      {
        clusterRef: { name: 'main' },
        database: { name: 'other', owner: 'newcomer' },
        roles: [{ name: 'newcomer' }, { name: 'shop_owner' }],
      },
      'other',
    );
    const rolesBefore = await allRoleNames(server);
    await expect(apply(server, other)).rejects.toThrow(
      'pgmeta: role shop_owner is managed by PostgresDatabase apps/shop',
    );
    expect(await allRoleNames(server)).toEqual(rolesBefore);
    expect(await databaseNames(server)).not.toContain('other');
  });

  it('delete drops what it created, keeps what it adopted and what something else still needs', async () => {
    await exec(server, 'postgres', 'CREATE DATABASE elsewhere');
    await exec(server, 'elsewhere', 'CREATE TABLE t (v int); ALTER TABLE t OWNER TO shop_rw');
    const run = await drop(server, shopB);
    expect(run.warnings).toEqual([expect.stringContaining('kept role shop_rw without LOGIN')]);
    expect(await databaseNames(server)).not.toContain('shop');
    expect(await roleStates(server, WATCHED)).toEqual({
      shop_rw: role({ login: false, connectionLimit: 10 }),
      legacy: role({ comment: null }),
      old_app: role({ comment: null }),
    });
    // Running it again (a retried Job) is harmless.
    expect((await drop(server, shopB)).warnings).toEqual([expect.stringContaining('kept role shop_rw')]);
  });

  it('delete in a database it did not create drops only its own objects there', async () => {
    await exec(server, 'postgres', 'CREATE DATABASE legacydb');
    await exec(
      server,
      'legacydb',
      "CREATE TABLE public.keep (v text); INSERT INTO public.keep VALUES ('precious')",
    );
    const adopted = resolve(
      {
        clusterRef: { name: 'main' },
        database: { name: 'legacydb', owner: 'app2_owner' },
        roles: [{ name: 'app2_owner' }, { name: 'app2_user' }],
        schemas: [{ name: 's_empty' }, { name: 's_full' }],
        extensions: [{ name: 'citext' }],
        grants: [
          {
            role: 'app2_user',
            target: 'tables',
            schema: 'public',
            privileges: ['SELECT'],
            defaultPrivileges: true,
          },
          { role: 'app2_user', target: 'schema', schema: 's_full', privileges: ['USAGE'] },
        ],
        reclaimPolicy: 'delete',
      },
      'legacy-db',
    );
    await apply(server, adopted);
    await exec(
      server,
      'legacydb',
      "SET ROLE app2_owner; CREATE TABLE s_full.t (v text); INSERT INTO s_full.t VALUES ('mine')",
    );
    expect((await databaseState(server, 'legacydb'))?.comment).toBe(marker('apps/legacy-db', false));

    const run = await drop(server, adopted);
    expect(run.warnings.sort()).toEqual([
      expect.stringContaining('kept role app2_owner without LOGIN'),
      expect.stringContaining('kept schema s_full: it is not empty'),
    ]);
    expect(await databaseState(server, 'legacydb')).toEqual({
      owner: 'app2_owner',
      connectionLimit: -1,
      encoding: 'UTF8',
      comment: null,
    });
    const inside = await insideState(server, 'legacydb', ['app2_owner', 'app2_user']);
    expect(inside.extensions).toEqual({});
    expect(Object.keys(inside.schemas).sort()).toEqual(['public', 's_full']);
    expect(Object.keys(await roleStates(server, ['app2_owner', 'app2_user']))).toEqual(['app2_owner']);
    const client = await server.connect({ database: 'legacydb' });
    const data = await client.query(
      'SELECT (SELECT v FROM public.keep) AS keep, (SELECT v FROM s_full.t) AS mine',
    );
    await client.end();
    expect(data.rows).toEqual([{ keep: 'precious', mine: 'mine' }]);
  });
});
