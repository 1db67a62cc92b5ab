/* generated – do not edit: run `npx tsx scripts/gen-schema-pgdb.ts` (source: crds/postgresdatabases.yaml) */

/**
 * The desired database, roles, schemas, grants and extensions.
 */
export interface PostgresDatabaseSpec {
  /**
   * The PostgresCluster, in the same namespace, that holds the database. Immutable.
   */
  clusterRef: {
    /**
     * Name of the PostgresCluster.
     */
    name: string;
  };
  /**
   * The database itself. Its name, encoding and locale cannot change once set.
   */
  database: {
    /**
     * Database name, used exactly as written (case and any characters kept). At most 63 bytes in UTF-8; postgres, template0 and template1 are reserved.
     */
    name: string;
    /**
     * Role that owns the database: one of roles[] or a role that already exists. Also the default owner of schemas and the default forRole of default privileges. Never one of the cluster's own roles (see roles[].name) nor a predefined pg_ role.
     */
    owner: string;
    /**
     * Character set encoding, used only when the database is created.
     */
    encoding?: string;
    /**
     * LC_COLLATE and LC_CTYPE of a new database (for example en_US.UTF-8); the cluster's default when absent. Used only when the database is created.
     */
    locale?: string;
    /**
     * Maximum concurrent connections to the database; -1 means no limit.
     */
    connectionLimit?: number;
  };
  /**
   * Roles to create and keep exactly as declared. Each gets a Secret with its credentials. A role removed from this list is dropped if pgmeta created it (what it owns in the database goes to the database owner first), released otherwise.
   *
   * @maxItems 32
   */
  roles?: {
    /**
     * Role name, used exactly as written. At most 63 bytes in UTF-8. Reserved: names starting with pg_ (PostgreSQL's) or pgmeta_ (pgmeta's pooler and monitoring roles), the roles Patroni and Spilo create (postgres, standby, admin, cron_admin, robot_zmon, zalandos), public, none, current_user, current_role, session_user, and the cluster's bootstrap owner (checked by pgmeta).
     */
    name: string;
    /**
     * Whether the role can log in (false makes a group role).
     */
    login?: boolean;
    /**
     * Whether the role uses the privileges of the roles it is a member of.
     */
    inherit?: boolean;
    /**
     * Role attributes to grant; every attribute not listed is revoked. SUPERUSER also needs allowSuperuser; CREATEROLE, REPLICATION and BYPASSRLS need allowPrivilegedRoles.
     *
     * @maxItems 5
     */
    privileges?: ('CREATEDB' | 'CREATEROLE' | 'REPLICATION' | 'BYPASSRLS' | 'SUPERUSER')[];
    /**
     * Maximum concurrent connections of the role; -1 means no limit.
     */
    connectionLimit?: number;
    /**
     * Roles this role is a member of; any other membership it has is revoked. Never one of the cluster's own roles (see name); a predefined pg_ role needs allowPrivilegedRoles.
     *
     * @maxItems 8
     */
    inRoles?: string[];
    /**
     * Time after which the role's password no longer works (RFC 3339).
     */
    validUntil?: string;
    /**
     * Name of the Secret holding the role's credentials; by default <resource name>-<role name> (with a hash suffix when the role name is not a valid Kubernetes name).
     */
    secretName?: string;
  }[];
  /**
   * Must be true for any role to be declared with SUPERUSER.
   */
  allowSuperuser?: boolean;
  /**
   * Must be true for any role to be declared with CREATEROLE, REPLICATION or BYPASSRLS, or as a member of a predefined pg_ role (inRoles). Each of them reaches beyond this database: CREATEROLE before PostgreSQL 16 can grant itself any non-superuser role, REPLICATION streams every database, BYPASSRLS ignores row security, pg_execute_server_program, pg_read_server_files and pg_write_server_files reach the database pod's shell and files, pg_read_all_data and pg_write_all_data every table. Leave false unless whoever edits this resource may have that.
   */
  allowPrivilegedRoles?: boolean;
  /**
   * Schemas to create in the database and whose owner to keep. A schema removed from this list is left in place (it holds data).
   *
   * @maxItems 16
   */
  schemas?: {
    /**
     * Schema name, used exactly as written. At most 63 bytes in UTF-8; pgmeta, information_schema and names starting with pg_ are reserved.
     */
    name: string;
    /**
     * Owner of the schema; the database owner by default.
     */
    owner?: string;
  }[];
  /**
   * Privileges to grant, including default privileges on objects created later. Privileges pgmeta granted and that are no longer listed are revoked.
   *
   * @maxItems 64
   */
  grants?: {
    /**
     * The role receiving the privileges (the grantee).
     */
    role: string;
    /**
     * What the privileges are on: the database, a schema, or all tables, sequences or functions in a schema (GRANT ... ON).
     */
    target: 'database' | 'schema' | 'tables' | 'sequences' | 'functions';
    /**
     * The schema; required unless target is database.
     */
    schema?: string;
    /**
     * Privilege keywords valid for the object kind, or ALL.
     *
     * @minItems 1
     * @maxItems 8
     */
    privileges: (
      | 'ALL'
      | 'CONNECT'
      | 'CREATE'
      | 'TEMPORARY'
      | 'USAGE'
      | 'SELECT'
      | 'INSERT'
      | 'UPDATE'
      | 'DELETE'
      | 'TRUNCATE'
      | 'REFERENCES'
      | 'TRIGGER'
      | 'EXECUTE'
    )[];
    /**
     * Also grant the privileges on objects forRole creates later in the schema (ALTER DEFAULT PRIVILEGES), not only on those that exist now.
     */
    defaultPrivileges?: boolean;
    /**
     * Creator of the future objects the default privileges cover; the database owner by default.
     */
    forRole?: string;
  }[];
  /**
   * Extensions to install in the database. One pgmeta installed and that is no longer listed is dropped unless other objects depend on it.
   *
   * @maxItems 16
   */
  extensions?: {
    /**
     * Extension name, as in pg_available_extensions.
     */
    name: string;
    /**
     * Version to install and keep (ALTER EXTENSION UPDATE); the default version when absent.
     */
    version?: string;
    /**
     * Schema to install into; the extension's own schema, else public, when absent.
     */
    schema?: string;
  }[];
  /**
   * What deleting this resource does: retain keeps the database and roles; delete drops what this resource created (the database if it created it, its roles, extensions and empty schemas) and revokes what it granted.
   */
  reclaimPolicy?: 'retain' | 'delete';
}
