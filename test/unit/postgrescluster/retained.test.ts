/** A new cluster over the data volumes of an earlier one of its name (hooks/postgrescluster/retained.ts). */
import type { KubeObject } from '../../../hooks/lib/k8s';
import type { ObservedCluster } from '../../../hooks/postgrescluster/observe';
import { retainedVolumes, retainedVolumesCondition } from '../../../hooks/postgrescluster/retained';

const parent: KubeObject = {
  apiVersion: 'pgmeta.io/v1alpha1',
  kind: 'PostgresCluster',
  metadata: { name: 'db', namespace: 'ns', uid: 'new-uid' },
};
const obj = (kind: string, name: string, extra: Partial<KubeObject['metadata']> = {}): KubeObject => ({
  apiVersion: kind === 'StatefulSet' ? 'apps/v1' : 'v1',
  kind,
  metadata: { name, namespace: 'ns', ...extra },
});
const pvc = (name: string, extra: Partial<KubeObject['metadata']> = {}) =>
  obj('PersistentVolumeClaim', name, extra);
const secret = (name: string, password: string): KubeObject => ({
  ...obj('Secret', name),
  data: { password: Buffer.from(password).toString('base64') },
});
const ALL_SECRETS = Object.fromEntries(
  ['db-superuser', 'db-replication', 'db-app'].map((n) => [n, secret(n, `old-${n}`)]),
);
const observed = (o: Partial<ObservedCluster>): ObservedCluster => ({
  secrets: {},
  jobs: [],
  members: [],
  pvcs: [],
  childCount: 0,
  ...o,
});

describe('retainedVolumes', () => {
  it('holds a new cluster over data claims without the old credentials, naming claims and Secrets', () => {
    const r = retainedVolumes(
      parent,
      observed({
        pvcs: [pvc('pgdata-db-10'), pvc('pgdata-db-1'), pvc('pgdata-db-0')],
        secrets: { 'db-app': ALL_SECRETS['db-app']! },
      }),
    );
    expect(r).toEqual({
      claims: ['pgdata-db-0', 'pgdata-db-1', 'pgdata-db-10'],
      missingSecrets: ['db-superuser', 'db-replication'],
      firstMissing: false,
    });
    const c = retainedVolumesCondition(r!, 'db');
    expect(c).toMatchObject({ type: 'Ready', status: 'False', reason: 'RetainedVolumes' });
    expect(c.message).toContain('pgdata-db-0, pgdata-db-1, pgdata-db-10');
    expect(c.message).toContain('db-superuser, db-replication do not hold one');
    expect(c.message).toContain('pgmeta.io/cluster=db, app.kubernetes.io/managed-by=pgmeta');
  });

  it('adopts (no hold) when every credential Secret holds a password and member 0 has its claim', () => {
    expect(
      retainedVolumes(
        parent,
        observed({ pvcs: [pvc('pgdata-db-0'), pvc('pgdata-db-1')], secrets: ALL_SECRETS }),
      ),
    ).toBeUndefined();
  });

  it('holds without the claim of member 0, even with every Secret', () => {
    const r = retainedVolumes(parent, observed({ pvcs: [pvc('pgdata-db-1')], secrets: ALL_SECRETS }));
    expect(r).toEqual({ claims: ['pgdata-db-1'], missingSecrets: [], firstMissing: true });
    expect(retainedVolumesCondition(r!, 'db').message).toContain('pgdata-db-0 is gone');
  });

  it('an empty password is no password', () => {
    const r = retainedVolumes(
      parent,
      observed({ pvcs: [pvc('pgdata-db-0')], secrets: { ...ALL_SECRETS, 'db-app': secret('db-app', '') } }),
    );
    expect(r?.missingSecrets).toEqual(['db-app']);
  });

  it('ignores claims being deleted and claims that are not data claims of this StatefulSet', () => {
    const pvcs = [
      pvc('pgdata-db-0', { deletionTimestamp: '2026-01-01T00:00:00Z' }),
      pvc('pgdata-db-x-0'),
      pvc('pgdata-db-01'),
      pvc('other-db-0'),
    ];
    expect(retainedVolumes(parent, observed({ pvcs }))).toBeUndefined();
  });

  it('never holds a cluster with a StatefulSet, its own or an orphan it takes over', () => {
    const pvcs = [pvc('pgdata-db-0')];
    expect(
      retainedVolumes(parent, observed({ pvcs, statefulSet: obj('StatefulSet', 'db') })),
    ).toBeUndefined();
    expect(
      retainedVolumes(parent, observed({ pvcs, orphanStatefulSet: obj('StatefulSet', 'db') })),
    ).toBeUndefined();
  });
});

describe('retainedVolumesCondition, word for word', () => {
  const found =
    'data volumes of an earlier cluster of this name were retained (pgdata-db-0, pgdata-db-1), so no member is started';
  const labels = 'the labels pgmeta.io/cluster=db, app.kubernetes.io/managed-by=pgmeta';
  const held = (missingSecrets: string[], firstMissing = false) =>
    retainedVolumesCondition({ claims: ['pgdata-db-0', 'pgdata-db-1'], missingSecrets, firstMissing }, 'db');

  it('one Secret missing: "does not", "this Secret"', () => {
    expect(held(['db-app'])).toEqual({
      type: 'Ready',
      status: 'False',
      reason: 'RetainedVolumes',
      message:
        `${found}: their roles keep the old passwords, and db-app does not hold one. ` +
        `To keep the data, create this Secret with the old password (key "password") and ${labels}. ` +
        'To start empty, delete the claims.',
    });
  });

  it('two Secrets missing: "do not", "these Secrets"', () => {
    expect(held(['db-app', 'db-superuser']).message).toBe(
      `${found}: their roles keep the old passwords, and db-app, db-superuser do not hold one. ` +
        `To keep the data, create these Secrets with the old password (key "password") and ${labels}. ` +
        'To start empty, delete the claims.',
    );
  });

  it("member 0's claim gone: why the retained members could not join", () => {
    expect(held([], true).message).toBe(
      `${found}: pgdata-db-0 is gone: member 0 would start a new database that the retained members ` +
        'cannot join (system ID mismatch). To start empty, delete the claims.',
    );
  });
});
