import fc from 'fast-check';
import { checkSpec } from '../../../../hooks/postgresdatabase/spec/index';
import { applySteps, deleteSteps, renderPsql, type Step } from '../../../../hooks/postgresdatabase/sql/index';
import type { DatabaseModel } from '../../../../hooks/postgresdatabase/sql/model';
import { UnsafeSqlText } from '../../../../hooks/postgresdatabase/sql/quote';

function model(spec: Record<string, unknown>, name = 'shop'): DatabaseModel {
  const r = checkSpec({
    apiVersion: 'pgmeta.io/v1alpha1',
    kind: 'PostgresDatabase',
    metadata: { name, namespace: 'apps', uid: 'u' },
    spec,
  });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.resolved.model;
}

const BASE = {
  clusterRef: { name: 'main' },
  database: { name: 'shop', owner: 'owner' },
  roles: [
    { name: 'owner' },
    { name: 'ro', inRoles: ['readers', 'other'] },
    { name: 'readers', login: false },
  ],
  schemas: [{ name: 'app' }, { name: 'b' }],
  extensions: [{ name: 'citext' }, { name: 'hstore', version: '1.7', schema: 'app' }],
  grants: [
    { role: 'readers', target: 'database', privileges: ['CONNECT'] },
    { role: 'readers', target: 'tables', schema: 'app', privileges: ['SELECT'], defaultPrivileges: true },
    { role: 'ro', target: 'sequences', schema: 'app', privileges: ['USAGE', 'SELECT'] },
  ],
};

const render = (m: DatabaseModel): string => renderPsql(applySteps(m), ['t']);

describe('the apply script', () => {
  it('does not depend on the order of lists in the spec', () => {
    fc.assert(
      fc.property(
        fc.shuffledSubarray(BASE.roles, { minLength: 3, maxLength: 3 }),
        fc.shuffledSubarray(BASE.grants, { minLength: 3, maxLength: 3 }),
        fc.shuffledSubarray(BASE.extensions, { minLength: 2, maxLength: 2 }),
        (roles, grants, extensions) => {
          expect(render(model({ ...BASE, roles, grants, extensions }))).toBe(render(model(BASE)));
        },
      ),
    );
  });

  it('reads passwords only from psql variables', () => {
    const script = render(model(BASE));
    expect(script).toContain('ALTER ROLE "ro" WITH PASSWORD :\'pgmeta_password_2\';');
    expect(script).toContain('\\getenv pgmeta_password_2 PGMETA_PASSWORD_2');
    expect(script.match(/ PASSWORD /g)).toHaveLength(3);
    expect(script.match(/ PASSWORD :'pgmeta_password_\d+';/g)).toHaveLength(3);
  });

  it('writes ALL alone (GRANT ALL, SELECT is a syntax error)', () => {
    const m = model({
      ...BASE,
      grants: [{ role: 'ro', target: 'tables', schema: 'app', privileges: ['SELECT', 'ALL'] }],
    });
    expect(render(m)).toContain('GRANT ALL ON ALL TABLES IN SCHEMA "app" TO "ro";');
  });

  it('refuses a privilege keyword that is not valid for the object, even past validation', () => {
    const m = model(BASE);
    const bad = { ...m, grants: [{ ...m.grants[0]!, privileges: ['SELECT; DROP TABLE x'] }] };
    expect(() => applySteps(bad)).toThrow(UnsafeSqlText);
  });

  it.each([
    ['apply', applySteps],
    ['delete', deleteSteps],
  ])('%s: CREATE/DROP DATABASE only outside transaction blocks', (_name, steps) => {
    const outside: string[] = [];
    const walk = (list: readonly Step[], depth: number): number => {
      for (const s of list) {
        if (s.kind === 'sql' && s.parts[0] === 'BEGIN') depth++;
        if (s.kind === 'sql' && s.parts[0] === 'COMMIT') depth--;
        if (s.kind === 'gexec' && /(CREATE|DROP) DATABASE/.test(s.query))
          outside.push(depth === 0 ? 'ok' : 'in transaction');
        if (s.kind === 'if') depth = walk(s.steps, depth);
      }
      return depth;
    };
    expect(walk(steps(model(BASE)), 0)).toBe(0);
    expect(outside).toEqual(['ok']);
  });

  it('stays small enough for its ConfigMap at the largest spec the CRD allows', () => {
    // Every list at its maxItems, every name at 63 bytes (multi-byte characters included).
    const n = (p: string, i: number): string => `${p}${String(i)}`.padEnd(41, 'x') + 'é'.repeat(11);
    const spec = {
      clusterRef: { name: 'c' },
      database: { name: n('d', 0), owner: n('r', 0), locale: 'en_US.UTF-8' },
      allowPrivilegedRoles: true,
      roles: Array.from({ length: 32 }, (_, i) => ({
        name: n('r', i),
        inRoles: Array.from({ length: 8 }, (_, j) => n('r', (i + j + 1) % 32)),
        privileges: ['CREATEDB', 'CREATEROLE', 'REPLICATION', 'BYPASSRLS'],
        validUntil: '2030-01-01T00:00:00Z',
        secretName: `s${String(i)}`,
      })),
      schemas: Array.from({ length: 16 }, (_, i) => ({ name: n('s', i), owner: n('r', i) })),
      extensions: Array.from({ length: 16 }, (_, i) => ({
        name: n('e', i),
        schema: n('s', i),
        version: '1.2.3',
      })),
      grants: Array.from({ length: 64 }, (_, i) => ({
        role: n('r', i % 32),
        target: 'tables',
        schema: n('s', i % 16),
        privileges: ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'],
        defaultPrivileges: true,
        forRole: n('r', (i + 1) % 32),
      })),
    };
    const m = model(spec, 'a'.repeat(253));
    expect(Buffer.byteLength(n('r', 1))).toBe(63);
    // Below the 256 KiB annotation limit of client-side apply and far below a ConfigMap's 1 MiB.
    expect(Buffer.byteLength(render(m))).toBeLessThan(200 * 1024);
  });
});
