/**
 * What a server holds, read from its catalogs in a shape tests compare with `toEqual`: roles with every
 * attribute, the database, and inside it schemas, extensions, privileges and default privileges of
 * the roles a test watches (except what an owner holds on its own objects, which PostgreSQL gives
 * implicitly and which varies by major). Anything pgmeta did beyond the spec shows up as a difference.
 */
import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import type { Client } from 'pg';
import type { RealServer } from '../../support/pgbin';

export interface RoleState {
  login: boolean;
  inherit: boolean;
  attributes: string[];
  connectionLimit: number;
  validUntil: string | null;
  memberOf: string[];
  comment: string | null;
}

export interface DatabaseState {
  owner: string;
  connectionLimit: number;
  encoding: string;
  comment: string | null;
}

export interface InsideState {
  /** Non-system schemas and their owners. */
  schemas: Record<string, string>;
  extensions: Record<string, { version: string; schema: string }>;
  /** `grantee PRIVILEGE kind name` for every privilege a watched role holds. */
  privileges: string[];
  /** `creator schema kind: grantee PRIVILEGE` for default privileges given to watched roles. */
  defaults: string[];
}

async function rows<T>(client: Client, text: string, values: unknown[] = []): Promise<T[]> {
  return (await client.query(text, values)).rows as T[];
}

export async function roleStates(
  server: RealServer,
  names: readonly string[],
): Promise<Record<string, RoleState>> {
  const client = await server.connect();
  try {
    const found = await rows<Record<string, unknown>>(
      client,
      `SELECT r.rolname, r.rolcanlogin, r.rolinherit, r.rolsuper, r.rolcreatedb, r.rolcreaterole, r.rolreplication,
              r.rolbypassrls, r.rolconnlimit,
              CASE WHEN isfinite(r.rolvaliduntil)
                   THEN to_char(r.rolvaliduntil AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
                   ELSE r.rolvaliduntil::text END AS validuntil,
              ARRAY(SELECT g.rolname FROM pg_auth_members a JOIN pg_roles g ON g.oid = a.roleid
                    WHERE a.member = r.oid ORDER BY 1)::text[] AS memberof,
              shobj_description(r.oid, 'pg_authid') AS comment
         FROM pg_roles r WHERE r.rolname = ANY ($1::text[])`,
      [names],
    );
    const flags = ['rolsuper', 'rolcreatedb', 'rolcreaterole', 'rolreplication', 'rolbypassrls'] as const;
    const names5 = ['SUPERUSER', 'CREATEDB', 'CREATEROLE', 'REPLICATION', 'BYPASSRLS'];
    return Object.fromEntries(
      found.map((r) => [
        r['rolname'] as string,
        {
          login: r['rolcanlogin'] as boolean,
          inherit: r['rolinherit'] as boolean,
          attributes: flags.flatMap((f, i) => (r[f] === true ? [names5[i]!] : [])),
          connectionLimit: r['rolconnlimit'] as number,
          validUntil: r['validuntil'] as string | null,
          memberOf: r['memberof'] as string[],
          comment: r['comment'] as string | null,
        },
      ]),
    );
  } finally {
    await client.end();
  }
}

export async function databaseState(server: RealServer, name: string): Promise<DatabaseState | undefined> {
  const client = await server.connect();
  try {
    const [db] = await rows<Record<string, unknown>>(
      client,
      `SELECT pg_get_userbyid(datdba) AS owner, datconnlimit, pg_encoding_to_char(encoding) AS encoding,
              shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1`,
      [name],
    );
    if (!db) return undefined;
    return {
      owner: db['owner'] as string,
      connectionLimit: db['datconnlimit'] as number,
      encoding: db['encoding'] as string,
      comment: db['comment'] as string | null,
    };
  } finally {
    await client.end();
  }
}

export async function databaseNames(server: RealServer): Promise<string[]> {
  const client = await server.connect();
  try {
    return (await rows<{ datname: string }>(client, 'SELECT datname FROM pg_database ORDER BY 1')).map(
      (r) => r.datname,
    );
  } finally {
    await client.end();
  }
}

export async function allRoleNames(server: RealServer): Promise<string[]> {
  const client = await server.connect();
  try {
    return (
      await rows<{ rolname: string }>(
        client,
        "SELECT rolname FROM pg_roles WHERE rolname !~ '^pg_' ORDER BY 1",
      )
    ).map((r) => r.rolname);
  } finally {
    await client.end();
  }
}

const PRIVILEGES_SQL = `
  WITH acl AS (
    SELECT 'database' AS kind, datname::text AS name, datdba AS owner, (aclexplode(datacl)).*
      FROM pg_database WHERE datname = current_database()
    UNION ALL SELECT 'schema', nspname::text, nspowner, (aclexplode(nspacl)).* FROM pg_namespace
    UNION ALL SELECT CASE relkind WHEN 'S' THEN 'sequence' ELSE 'table' END, n.nspname || '.' || c.relname, c.relowner,
                     (aclexplode(c.relacl)).*
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'v', 'S')
    UNION ALL SELECT 'function', n.nspname || '.' || p.proname, p.proowner, (aclexplode(p.proacl)).*
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
  )
  SELECT g.rolname || ' ' || acl.privilege_type || ' ' || acl.kind || ' ' || acl.name AS line
    FROM acl JOIN pg_roles g ON g.oid = acl.grantee
   WHERE g.rolname = ANY ($1::text[]) AND acl.grantee <> acl.owner`;

const DEFAULTS_SQL = `
  SELECT pg_get_userbyid(d.defaclrole) || ' ' || coalesce(n.nspname, '-') || ' ' || d.defaclobjtype::text || ': ' ||
         g.rolname || ' ' || x.privilege_type AS line
    FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace
    CROSS JOIN LATERAL aclexplode(d.defaclacl) x JOIN pg_roles g ON g.oid = x.grantee
   WHERE g.rolname = ANY ($1::text[]) AND x.grantee <> d.defaclrole`;

export async function insideState(
  server: RealServer,
  database: string,
  watched: readonly string[],
): Promise<InsideState> {
  const client = await server.connect({ database });
  try {
    const schemas = await rows<{ nspname: string; owner: string }>(
      client,
      `SELECT nspname, pg_get_userbyid(nspowner) AS owner FROM pg_namespace
        WHERE nspname !~ '^pg_' AND nspname <> 'information_schema' ORDER BY 1`,
    );
    const extensions = await rows<{ extname: string; extversion: string; nspname: string }>(
      client,
      `SELECT x.extname, x.extversion, n.nspname FROM pg_extension x JOIN pg_namespace n ON n.oid = x.extnamespace
        WHERE x.extname <> 'plpgsql' ORDER BY 1`,
    );
    return {
      schemas: Object.fromEntries(schemas.map((s) => [s.nspname, s.owner])),
      extensions: Object.fromEntries(
        extensions.map((x) => [x.extname, { version: x.extversion, schema: x.nspname }]),
      ),
      privileges: (await rows<{ line: string }>(client, PRIVILEGES_SQL, [watched])).map((r) => r.line).sort(),
      defaults: (await rows<{ line: string }>(client, DEFAULTS_SQL, [watched])).map((r) => r.line).sort(),
    };
  } finally {
    await client.end();
  }
}

/** Runs `sql` (one statement, or several) as the superuser in `database`. */
export async function exec(server: RealServer, database: string, sql: string): Promise<void> {
  const client = await server.connect({ database });
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * True when `password` is the role's stored password: a SCRAM-SHA-256 verifier (RFC 5802/7677:
 * StoredKey = H(HMAC(PBKDF2(password, salt, i), "Client Key"))) or, with md5, md5(password || user).
 */
export async function passwordMatches(server: RealServer, role: string, password: string): Promise<boolean> {
  const client = await server.connect();
  try {
    const [row] = await rows<{ rolpassword: string | null }>(
      client,
      'SELECT rolpassword FROM pg_authid WHERE rolname = $1',
      [role],
    );
    const stored = row?.rolpassword;
    if (!stored) return false;
    const scram = /^SCRAM-SHA-256\$(\d+):([^$]+)\$([^:]+):(.+)$/.exec(stored);
    if (!scram)
      return (
        stored ===
        `md5${createHash('md5')
          .update(password + role)
          .digest('hex')}`
      );
    const salted = pbkdf2Sync(
      password.normalize('NFKC'),
      Buffer.from(scram[2]!, 'base64'),
      Number(scram[1]),
      32,
      'sha256',
    );
    const clientKey = createHmac('sha256', salted).update('Client Key').digest();
    return createHash('sha256').update(clientKey).digest('base64') === scram[3];
  } finally {
    await client.end();
  }
}
