/**
 * Hostile names through the whole path (spec validation, SQL generation, a real server): a name is
 * either refused by validation with a clear message, or ends up on the server exactly as written,
 * as a role, a database and a schema, and nothing else on the server changes.
 */
import fc from 'fast-check';
import { checkSpec } from '../../../hooks/postgresdatabase/spec/index';
import {
  identifierProblem,
  quoteIdent,
  quoteLiteral,
  sqlTextProblem,
} from '../../../hooks/postgresdatabase/sql/quote';
import type { Major, RealServer } from '../../support/pgbin';
import { startTempServer } from '../../support/realpg';
import { allRoleNames, databaseNames, insideState } from './catalog';
import { apply, drop, resolve } from './fixtures';
import { expectedRefusal, hostileName } from './names';

jest.setTimeout(120_000);

/** One name used for everything that can carry it. */
function specFor(name: string): unknown {
  return {
    clusterRef: { name: 'main' },
    database: { name, owner: name },
    roles: [{ name }],
    schemas: [{ name }],
    grants: [
      { role: name, target: 'schema', schema: name, privileges: ['USAGE'] },
      { role: name, target: 'tables', schema: name, privileges: ['SELECT'], defaultPrivileges: true },
    ],
    reclaimPolicy: 'delete',
  };
}

function parent(spec: unknown): Parameters<typeof checkSpec>[0] {
  return {
    apiVersion: 'pgmeta.io/v1alpha1',
    kind: 'PostgresDatabase',
    metadata: { name: 'h', namespace: 'ns', uid: 'u' },
    spec,
  };
}

async function checkName(server: RealServer, name: string): Promise<void> {
  const refusal = expectedRefusal(name);
  const result = checkSpec(parent(specFor(name)));
  if (refusal) {
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.message).join('\n')).toMatch(refusal);
    for (const e of result.errors) expect(e.path).toMatch(/^spec\./);
    return;
  }
  expect(result).toMatchObject({ ok: true });
  const db = resolve(specFor(name), 'h', 'ns');
  const roles = await allRoleNames(server);
  const databases = await databaseNames(server);
  await apply(server, db);
  await apply(server, db);
  expect(await allRoleNames(server)).toEqual([...roles, name].sort(cmp));
  expect(await databaseNames(server)).toEqual([...databases, name].sort(cmp));
  const inside = await insideState(server, name, [name]);
  expect(Object.entries(inside.schemas).filter(([s]) => s !== 'public' && s !== 'pgmeta')).toEqual([
    [name, name],
  ]);
  expect(inside.privileges).toEqual([]); // the owner's own privileges are not listed
  expect(inside.defaults).toEqual([]);
  await drop(server, db);
  expect(await allRoleNames(server)).toEqual(roles);
  expect(await databaseNames(server)).toEqual(databases);
}

/** PostgreSQL's C collation orders by bytes; the catalogs helpers sort with ORDER BY in that order. */
function cmp(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

describe.each(['13', '18'] as Major[])('hostile names on PostgreSQL %s', (major) => {
  let server: RealServer;
  let close: () => Promise<void>;
  beforeAll(async () => ({ server, close } = await startTempServer(major)));
  afterAll(async () => close());

  it.each([
    [`a'b"c;d\\e$$f:g%h`],
    ['Robert"); DROP TABLE students;--'],
    ['😀'.repeat(15) + 'abc'],
    ['é'.repeat(31) + 'a'],
    ['x=y postgresql://h/db'],
    [' leading and trailing '],
    ['UPPER lower'],
  ])('%j works exactly as written', async (name) => {
    expect(expectedRefusal(name)).toBeUndefined();
    await checkName(server, name);
  });

  it.each([['é'.repeat(32)], ['a\nb'], ['nul\u0000'], ['lone\ud800'], ['postgres'], ['pg_x'], ['']])(
    '%j is refused by validation',
    async (name) => {
      expect(expectedRefusal(name)).toBeDefined();
      await checkName(server, name);
    },
  );

  it('quoteIdent and quoteLiteral give back exactly the string (the server reads them)', async () => {
    const client = await server.connect();
    try {
      await fc.assert(
        fc.asyncProperty(fc.oneof(hostileName, fc.string({ unit: 'binary', maxLength: 63 })), async (s) => {
          if (sqlTextProblem(s) === undefined) {
            const res = await client.query<{ v: string }>(`SELECT ${quoteLiteral(s)} AS v`);
            expect(res.rows[0]?.v).toBe(s);
          }
          if (identifierProblem(s) === undefined) {
            const res = await client.query({ text: `SELECT 1 AS ${quoteIdent(s)}`, rowMode: 'array' });
            expect(res.fields[0]?.name).toBe(s);
          }
        }),
        { numRuns: 300 },
      );
    } finally {
      await client.end();
    }
  });

  it('any name: exactly that name on the server, or a clear refusal', async () => {
    await fc.assert(
      fc.asyncProperty(hostileName, (name) => checkName(server, name)),
      { numRuns: 40 },
    );
  });
});
