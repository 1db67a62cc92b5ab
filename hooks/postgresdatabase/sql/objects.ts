/**
 * The database (from the maintenance database), then its schemas and extensions (from inside it).
 * Creation is conditional through `\gexec`, because CREATE DATABASE cannot run in a transaction
 * or DO block; what pgmeta creates is recorded as created, what already existed as adopted.
 */
import { createdBy, description, jsonbArray, marker, ownedBy, recordManaged, tolerantDo } from './markers.js';
import type { DatabaseModel, DbExtension } from './model.js';
import { quoteIdent as id, quoteLiteral as lit } from './quote.js';
import { gexec, sql, type Step } from './script.js';

const DB_DESC = description('pg_database', 'd.oid');

/** The search_path of every session: nothing a database user can create shadows what the script calls. */
export const SAFE_SEARCH_PATH = 'pg_catalog, pg_temp';

/** CREATE DATABASE (outside any transaction), then owner and connection limit on every run. */
export function databaseSteps(m: DatabaseModel): Step[] {
  const db = m.database;
  const name = id(db.name);
  const locale = db.locale === undefined ? '' : ` LOCALE ${lit(db.locale)}`;
  const create = [
    `CREATE DATABASE ${name} WITH OWNER ${id(db.owner)} TEMPLATE template0 ENCODING ${lit(db.encoding)}${locale}`,
    `COMMENT ON DATABASE ${name} IS ${lit(marker(m.owner, true))}`,
  ];
  const adopt = `COMMENT ON DATABASE ${name} IS ${lit(marker(m.owner, false))}`;
  return [
    gexec(
      `SELECT ${create.map(lit).join(', ')} WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = ${lit(db.name)})`,
    ),
    sql('BEGIN'),
    gexec(
      `SELECT ${lit(adopt)} FROM pg_database d WHERE d.datname = ${lit(db.name)} AND NOT ${ownedBy(DB_DESC, m.owner)}`,
    ),
    sql(`ALTER DATABASE ${name} OWNER TO ${id(db.owner)}`),
    sql(`ALTER DATABASE ${name} WITH CONNECTION LIMIT ${String(Math.trunc(db.connectionLimit))}`),
    sql('COMMIT'),
  ];
}

/** On delete: drops the database if this resource created it, otherwise releases it. */
export function dropDatabaseSteps(m: DatabaseModel): Step[] {
  const where = `FROM pg_database d WHERE d.datname = ${lit(m.database.name)}`;
  return [
    gexec(
      `SELECT format('DROP DATABASE %I WITH (FORCE)', d.datname) ${where} AND ${createdBy(DB_DESC, m.owner)}`,
    ),
    gexec(
      `SELECT format('COMMENT ON DATABASE %I IS NULL', d.datname) ${where} AND ${ownedBy(DB_DESC, m.owner)}`,
    ),
  ];
}

/** SQL: the database exists and this resource did not create it (so it survives a delete). */
export function databaseAdopted(m: DatabaseModel): string {
  return `EXISTS (SELECT FROM pg_database d WHERE d.datname = ${lit(m.database.name)} AND NOT ${createdBy(DB_DESC, m.owner)})`;
}

/** Declared schemas: created when missing, owner converged. Undeclared ones are released, never dropped. */
export function schemaSteps(m: DatabaseModel): Step[] {
  const steps = m.schemas.flatMap((s) => {
    const key = { name: s.name };
    const create = [
      `CREATE SCHEMA ${id(s.name)} AUTHORIZATION ${id(s.owner)}`,
      recordManaged(m.owner, 'schema', [{ key, created: true }]),
    ];
    return [
      gexec(
        `SELECT ${create.map(lit).join(', ')} WHERE NOT EXISTS (SELECT FROM pg_namespace WHERE nspname = ${lit(s.name)})`,
      ),
      sql(recordManaged(m.owner, 'schema', [{ key, created: false }])),
      sql(`ALTER SCHEMA ${id(s.name)} OWNER TO ${id(s.owner)}`),
    ];
  });
  const declared = jsonbArray(m.schemas.map((s) => ({ name: s.name })));
  return [
    ...steps,
    sql(
      `DELETE FROM pgmeta.managed WHERE owner = ${lit(m.owner)} AND kind = 'schema' AND key <> ALL (${declared})`,
    ),
  ];
}

/** Declared extensions: created when missing, version and schema converged. */
export function extensionSteps(m: DatabaseModel): Step[] {
  return [...m.extensions.flatMap((e) => extension(m.owner, e)), ...dropExtensions(m.owner, m.extensions)];
}

function extension(owner: string, e: DbExtension): Step[] {
  const key = { name: e.name };
  const version = e.version === undefined ? '' : ` VERSION ${lit(e.version)}`;
  // Without a schema, CREATE EXTENSION would pick the first schema of the hardened search_path
  // (pg_catalog): point it at public for that one statement instead.
  const create =
    e.schema === undefined
      ? [
          'SET LOCAL search_path = public',
          `CREATE EXTENSION ${id(e.name)}${version}`,
          `SET LOCAL search_path = ${SAFE_SEARCH_PATH}`,
        ]
      : [`CREATE EXTENSION ${id(e.name)} SCHEMA ${id(e.schema)}${version}`];
  create.push(recordManaged(owner, 'extension', [{ key, created: true }]));
  const steps = [
    gexec(
      `SELECT ${create.map(lit).join(', ')} WHERE NOT EXISTS (SELECT FROM pg_extension WHERE extname = ${lit(e.name)})`,
    ),
    sql(recordManaged(owner, 'extension', [{ key, created: false }])),
  ];
  if (e.version !== undefined) steps.push(sql(`ALTER EXTENSION ${id(e.name)} UPDATE TO ${lit(e.version)}`));
  if (e.schema !== undefined) {
    steps.push(
      gexec(
        `SELECT ${lit(`ALTER EXTENSION ${id(e.name)} SET SCHEMA ${id(e.schema)}`)} FROM pg_extension x ` +
          `JOIN pg_namespace n ON n.oid = x.extnamespace WHERE x.extname = ${lit(e.name)} AND n.nspname <> ${lit(e.schema)}`,
      ),
    );
  }
  return steps;
}

/**
 * Managed extensions not in `keep`: dropped if pgmeta created them (RESTRICT: an extension something
 * still depends on stays, with a WARNING, and is retried next run), released if adopted.
 */
export function dropExtensions(owner: string, keep: readonly DbExtension[]): Step[] {
  const forget = `format('DELETE FROM pgmeta.managed WHERE owner = %L AND kind = %L AND key = %L', m.owner, m.kind, m.key)`;
  const drop = tolerantDo({
    statements: [`format('DROP EXTENSION IF EXISTS %I RESTRICT', m.key->>'name')`, forget],
    warning: `format('pgmeta: kept extension %I: other objects depend on it', m.key->>'name')`,
  });
  const rows = `FROM pgmeta.managed m WHERE m.owner = ${lit(owner)} AND m.kind = 'extension' AND m.key <> ALL (${jsonbArray(keep.map((e) => ({ name: e.name })))})`;
  return [
    gexec(`SELECT ${drop} ${rows} AND m.created ORDER BY m.key::text`),
    gexec(`SELECT ${forget} ${rows} AND NOT m.created ORDER BY m.key::text`),
  ];
}

/** On delete in a database pgmeta did not create: drops the schemas it created, if they are empty. */
export function dropSchemas(owner: string): Step {
  const drop = tolerantDo({
    statements: [`format('DROP SCHEMA IF EXISTS %I RESTRICT', m.key->>'name')`],
    warning: `format('pgmeta: kept schema %I: it is not empty', m.key->>'name')`,
  });
  return gexec(
    `SELECT ${drop} FROM pgmeta.managed m WHERE m.owner = ${lit(owner)} AND m.kind = 'schema' AND m.created ORDER BY m.key::text`,
  );
}
