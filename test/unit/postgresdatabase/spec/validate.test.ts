import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse } from 'yaml';
import { KUBECTL_YAML } from '../../../../hooks/lib/kubectl-yaml';
import { checkSpec } from '../../../../hooks/postgresdatabase/spec/index';
import { CEL_MIRRORS, checkRules } from '../../../../hooks/postgresdatabase/spec/validate';

const ROOT = join(__dirname, '..', '..', '..', '..');
const VALID = {
  clusterRef: { name: 'main' },
  database: { name: 'shop', owner: 'owner' },
  roles: [{ name: 'owner' }, { name: 'ro', inRoles: ['owner'] }],
  schemas: [{ name: 'app' }],
  grants: [{ role: 'ro', target: 'tables', schema: 'app', privileges: ['SELECT'], defaultPrivileges: true }],
  extensions: [{ name: 'citext' }],
};

function check(spec: unknown): ReturnType<typeof checkSpec> {
  return checkSpec({
    apiVersion: 'pgmeta.io/v1alpha1',
    kind: 'PostgresDatabase',
    metadata: { name: 'db', namespace: 'ns', uid: 'u' },
    spec,
  });
}

function errorsOf(spec: unknown): { path: string; message: string }[] {
  const r = check(spec);
  return r.ok ? [] : r.errors;
}

/** Every `x-kubernetes-validations` message in the CRD. */
function crdMessages(): string[] {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(walk);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    for (const [k, v] of Object.entries(node)) {
      if (k === 'x-kubernetes-validations') for (const r of v as { message: string }[]) out.push(r.message);
      else walk(v);
    }
  };
  walk(parse(readFileSync(join(ROOT, 'crds', 'postgresdatabases.yaml'), 'utf8')));
  return [...new Set(out)].sort();
}

describe('checkSpec', () => {
  it('explains a grant whose unquoted `on:` key kubectl sent as "true" (issue 20)', () => {
    const grant = { role: 'r', true: 'database', privileges: ['CONNECT'] };
    expect(errorsOf({ ...VALID, grants: [grant] })).toEqual([
      { path: 'spec.grants[0].target', message: 'required' },
      {
        path: 'spec.grants[0].true',
        message:
          'unknown field: kubectl sent the key "true", which is how YAML 1.1 reads an unquoted y, yes, true ' +
          'or on as a key: quote the key if you meant one of those words',
      },
    ]);
  });

  it('explains a role name kubectl sent as a boolean', () => {
    expect(errorsOf({ ...VALID, roles: [...VALID.roles, { name: false }] })).toContainEqual({
      path: 'spec.roles[2].name',
      message: expect.stringContaining('kubectl sent the boolean false') as string,
    });
  });

  it('accepts a valid spec and applies the CRD defaults', () => {
    const r = check(VALID);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.spec.reclaimPolicy).toBe('retain');
    expect(r.spec.database).toEqual({ name: 'shop', owner: 'owner', encoding: 'UTF8', connectionLimit: -1 });
    expect(r.resolved.model.grants[0]).toMatchObject({ forRole: 'owner', defaultPrivileges: true });
  });

  it.each([
    ['missing clusterRef', { ...VALID, clusterRef: undefined }, 'spec.clusterRef', 'required'],
    [
      'bad cluster name',
      { ...VALID, clusterRef: { name: 'Main' } },
      'spec.clusterRef.name',
      'must be a DNS-1035 label (lowercase letters, digits and -, starting with a letter)',
    ],
    ['unknown field', { ...VALID, extra: 1 }, 'spec.extra', 'unknown field'],
    [
      'control character',
      { ...VALID, database: { name: 'a\nb', owner: 'o' } },
      'spec.database.name',
      'must not contain control characters',
    ],
    [
      '64 bytes',
      { ...VALID, database: { name: 'é'.repeat(32), owner: 'o' } },
      'spec.database.name',
      'must be at most 63 bytes in UTF-8',
    ],
    [
      'reserved database',
      { ...VALID, database: { name: 'template1', owner: 'o' } },
      'spec.database.name',
      'is a reserved database name',
    ],
    [
      'reserved role',
      { ...VALID, roles: [{ name: 'pg_monitor' }] },
      'spec.roles[0].name',
      'is a reserved role name',
    ],
    [
      'reserved schema',
      { ...VALID, schemas: [{ name: 'pgmeta' }] },
      'spec.schemas[0].name',
      'is a reserved schema name',
    ],
    [
      'superuser',
      { ...VALID, roles: [{ name: 'x', privileges: ['SUPERUSER'] }] },
      'spec.roles',
      'SUPERUSER requires allowSuperuser to be true',
    ],
    [
      'self membership',
      { ...VALID, roles: [{ name: 'x', inRoles: ['x'] }] },
      'spec.roles[0].inRoles',
      'a role cannot be a member of itself',
    ],
    [
      'duplicate role',
      { ...VALID, roles: [{ name: 'x' }, { name: 'x' }] },
      'spec.roles[1].name',
      'duplicate name "x"',
    ],
    [
      'duplicate secretName',
      {
        ...VALID,
        roles: [
          { name: 'a', secretName: 's' },
          { name: 'b', secretName: 's' },
        ],
      },
      'spec.roles',
      'secretName must be unique across roles',
    ],
    [
      'derived secret clash',
      { ...VALID, roles: [{ name: 'a_b' }, { name: 'a-b' }] },
      'spec.roles',
      'roles "a-b" and "a_b" would share Secret db-a-b',
    ],
    [
      'schema on database',
      { ...VALID, grants: [{ role: 'r', target: 'database', schema: 's', privileges: ['CONNECT'] }] },
      'spec.grants[0].schema',
      'schema is required unless target is database, where it is not allowed',
    ],
    [
      'no schema',
      { ...VALID, grants: [{ role: 'r', target: 'tables', privileges: ['SELECT'] }] },
      'spec.grants[0].schema',
      'schema is required unless target is database, where it is not allowed',
    ],
    [
      'wrong privilege',
      { ...VALID, grants: [{ role: 'r', target: 'schema', schema: 's', privileges: ['SELECT'] }] },
      'spec.grants[0].privileges',
      'a privilege is not valid for this kind of object',
    ],
    [
      'unknown privilege',
      { ...VALID, grants: [{ role: 'r', target: 'tables', schema: 's', privileges: ['DROP'] }] },
      'spec.grants[0].privileges[0]',
      expect.stringMatching(/^must be one of ALL, /),
    ],
    [
      'default on schema',
      {
        ...VALID,
        grants: [
          { role: 'r', target: 'schema', schema: 's', privileges: ['USAGE'], defaultPrivileges: true },
        ],
      },
      'spec.grants[0].defaultPrivileges',
      'defaultPrivileges applies only to tables, sequences and functions',
    ],
    [
      'forRole alone',
      {
        ...VALID,
        grants: [{ role: 'r', target: 'tables', schema: 's', privileges: ['SELECT'], forRole: 'o' }],
      },
      'spec.grants[0].forRole',
      'forRole needs defaultPrivileges',
    ],
    [
      'bad validUntil',
      { ...VALID, roles: [{ name: 'x', validUntil: 'tomorrow' }] },
      'spec.roles[0].validUntil',
      'must match format "date-time"',
    ],
  ])('%s', (_label, spec, path, message) => {
    expect(errorsOf(spec)).toContainEqual({ path, message });
  });

  it('accepts examples/database.yaml as kubectl sends it (YAML 1.1)', () => {
    const example = parse(readFileSync(join(ROOT, 'examples', 'database.yaml'), 'utf8'), KUBECTL_YAML) as {
      kind: string;
      spec: unknown;
    };
    expect(example.kind).toBe('PostgresDatabase');
    expect(errorsOf(example.spec)).toEqual([]);
  });

  it('collects every error, sorted, not only the first', () => {
    const errors = errorsOf({
      ...VALID,
      roles: [{ name: 'pg_x', inRoles: ['pg_x'], privileges: ['SUPERUSER'] }],
    });
    expect(errors).toEqual([
      { path: 'spec.roles', message: 'SUPERUSER requires allowSuperuser to be true' },
      { path: 'spec.roles[0].inRoles', message: 'a role cannot be a member of itself' },
      {
        path: 'spec.roles[0].inRoles[0]',
        message: 'membership in a predefined pg_ role requires allowPrivilegedRoles to be true',
      },
      { path: 'spec.roles[0].name', message: 'is a reserved role name' },
    ]);
  });

  it('never throws, whatever the spec', () => {
    fc.assert(
      fc.property(fc.anything(), (spec) => {
        const r = check(spec);
        expect(typeof r.ok).toBe('boolean');
      }),
    );
  });
});

describe('the CEL mirror', () => {
  it('has a mirror for every CEL rule of the CRD, and none for rules that are gone', () => {
    expect(Object.keys(CEL_MIRRORS).sort()).toEqual(crdMessages());
  });

  it.each([
    ['clusterRef is immutable', { ...VALID, clusterRef: { name: 'other' } }],
    ['database.name is immutable', { ...VALID, database: { ...VALID.database, name: 'x' } }],
    ['database.encoding is immutable', { ...VALID, database: { ...VALID.database, encoding: 'LATIN1' } }],
    ['database.locale is immutable', { ...VALID, database: { ...VALID.database, locale: 'C' } }],
  ])('%s (a transition rule, checked against the previous spec)', (message, next) => {
    const prev = check(VALID);
    const now = check(next);
    if (!prev.ok || !now.ok) throw new Error('both specs are valid on their own');
    expect(checkRules(now.spec, prev.spec).map((e) => e.message)).toEqual([message]);
    expect(checkRules(now.spec, now.spec)).toEqual([]);
  });
});
