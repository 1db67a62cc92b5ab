/**
 * What the SQL generator works from: a PostgresDatabase spec after defaults, with every list sorted
 * so the script (and the Job named after its hash) does not depend on the order a user wrote things in.
 */

/** Role attributes a spec may grant (`LOGIN` and `INHERIT` have their own fields). */
export const ROLE_ATTRIBUTES = ['SUPERUSER', 'CREATEDB', 'CREATEROLE', 'REPLICATION', 'BYPASSRLS'] as const;
export type RoleAttribute = (typeof ROLE_ATTRIBUTES)[number];

/** What a grant is on. `tables`, `sequences` and `functions` mean all of them in `schema`. */
export const GRANT_TARGETS = ['database', 'schema', 'tables', 'sequences', 'functions'] as const;
export type GrantTarget = (typeof GRANT_TARGETS)[number];

/**
 * Privileges valid for each target, as in PostgreSQL's GRANT (`ALL` means ALL PRIVILEGES).
 * `MAINTAIN` (PostgreSQL 17+) is left out: it would fail on older servers.
 * @see https://www.postgresql.org/docs/current/ddl-priv.html
 */
export const PRIVILEGES = {
  database: ['ALL', 'CONNECT', 'CREATE', 'TEMPORARY'],
  schema: ['ALL', 'CREATE', 'USAGE'],
  tables: ['ALL', 'DELETE', 'INSERT', 'REFERENCES', 'SELECT', 'TRIGGER', 'TRUNCATE', 'UPDATE'],
  sequences: ['ALL', 'SELECT', 'UPDATE', 'USAGE'],
  functions: ['ALL', 'EXECUTE'],
} as const satisfies Record<GrantTarget, readonly string[]>;

/** Every privilege keyword any target accepts. */
export const ALL_PRIVILEGE_KEYWORDS: readonly string[] = [
  ...new Set(Object.values(PRIVILEGES).flat()),
].sort();

/** Targets for which `ALTER DEFAULT PRIVILEGES` exists per schema. */
export const DEFAULT_PRIVILEGE_TARGETS: readonly GrantTarget[] = ['tables', 'sequences', 'functions'];

export interface DbRole {
  name: string;
  login: boolean;
  inherit: boolean;
  /** Sorted, no duplicates. Attributes not listed are switched off (`NOCREATEDB`...). */
  attributes: readonly RoleAttribute[];
  /** -1 means no limit. */
  connectionLimit: number;
  /** Roles this role is a member of; memberships not listed are revoked. Sorted. */
  inRoles: readonly string[];
  /** RFC 3339 time after which the password stops working; absent means never. */
  validUntil?: string;
  /** Environment variable of the Job that holds this role's password (from its Secret). */
  passwordEnv: string;
}

export interface DbGrant {
  /** The grantee. */
  role: string;
  target: GrantTarget;
  /** Required unless `target` is `database`. */
  schema?: string;
  /** Sorted, no duplicates. */
  privileges: readonly string[];
  /** Also grant on objects `forRole` creates later in `schema` (ALTER DEFAULT PRIVILEGES). */
  defaultPrivileges: boolean;
  /** The creator whose future objects the default privileges cover (resolved: the database owner). */
  forRole: string;
}

export interface DbExtension {
  name: string;
  /** Installed and kept at this version when set; otherwise whatever CREATE EXTENSION installs. */
  version?: string;
  /** Absent: the extension's own schema, else `public`. */
  schema?: string;
}

export interface DatabaseModel {
  /**
   * Who owns what the script manages: `<namespace>/<name>` of the PostgresDatabase. Written into the
   * database (see markers.ts), so a resource deleted with `retain` and created again under the same
   * name takes its objects back, while a different resource claiming them is refused.
   */
  owner: string;
  database: {
    name: string;
    owner: string;
    encoding: string;
    locale?: string;
    connectionLimit: number;
  };
  /** Sorted by name. */
  roles: readonly DbRole[];
  /** Sorted by name; `owner` resolved (default: the database owner). */
  schemas: readonly { name: string; owner: string }[];
  /** Sorted by name. */
  extensions: readonly DbExtension[];
  /** Deduplicated, in a stable order. */
  grants: readonly DbGrant[];
}
