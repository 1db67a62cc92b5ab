/**
 * keepImmutable (hooks/postgrescluster/immutable.ts) at each of its edges: only a StatefulSet with an
 * observed twin is touched, only the storage request of a claim template of the same name is taken
 * from the observed one, and everything else of the desired template and StatefulSet stays.
 */
import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../../hooks/lib/k8s';
import { keepImmutable } from '../../../hooks/postgrescluster/immutable';

interface Template {
  metadata?: { name?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
}
const sts = (templates: unknown, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'db' },
  spec: { replicas: 3, ...(templates === undefined ? {} : { volumeClaimTemplates: templates }), ...extra },
});
const claim = (name: string, storage?: string, more: Record<string, unknown> = {}): Template => ({
  metadata: { name },
  spec: {
    accessModes: ['ReadWriteOnce'],
    resources: {
      requests: { ...(storage === undefined ? {} : { storage }), cpu: 'x' },
      limits: { storage: '1Ti' },
    },
    ...more,
  },
});
const templatesOf = (o: KubeObject) =>
  (o['spec'] as { volumeClaimTemplates?: Template[] }).volumeClaimTemplates;

describe('keepImmutable', () => {
  it('takes only the storage request of the observed template of the same name', () => {
    const desired = sts([claim('pgdata', '20Gi', { storageClassName: 'fast' }), claim('wal', '5Gi')]);
    const observed = sts([claim('wal', '4Gi'), claim('pgdata', '10Gi', { storageClassName: 'slow' })]);
    expect(templatesOf(keepImmutable(desired, observed))).toEqual([
      claim('pgdata', '10Gi', { storageClassName: 'fast' }),
      claim('wal', '4Gi'),
    ]);
  });

  it('keeps the rest of the StatefulSet as desired', () => {
    const desired = sts([claim('pgdata', '20Gi')], { serviceName: 'db-members' });
    const out = keepImmutable(desired, sts([claim('pgdata', '10Gi')]));
    expect(out.metadata).toEqual(desired.metadata);
    expect(out['spec']).toMatchObject({ replicas: 3, serviceName: 'db-members' });
  });

  it('keeps a desired template whose twin is missing or has no storage request', () => {
    const desired = sts([claim('pgdata', '20Gi'), claim('wal', '5Gi')]);
    const observed = sts([claim('pgdata'), claim('other', '1Gi')]);
    expect(templatesOf(keepImmutable(desired, observed))).toEqual([
      claim('pgdata', '20Gi'),
      claim('wal', '5Gi'),
    ]);
  });

  it('copes with observed templates without spec, resources or requests (keeps the desired size)', () => {
    const desired = sts([claim('a', '1Gi'), claim('b', '2Gi'), claim('c', '3Gi')]);
    const observed = sts([
      { metadata: { name: 'a' } },
      { metadata: { name: 'b' }, spec: {} },
      { metadata: { name: 'c' }, spec: { resources: {} } },
    ]);
    expect(templatesOf(keepImmutable(desired, observed))).toEqual([
      claim('a', '1Gi'),
      claim('b', '2Gi'),
      claim('c', '3Gi'),
    ]);
  });

  it('sets the observed size on a desired template with a spec but no resources', () => {
    const desired = sts([{ metadata: { name: 'a' }, spec: { accessModes: ['ReadWriteOnce'] } }]);
    expect(templatesOf(keepImmutable(desired, sts([claim('a', '5Gi')])))).toEqual([
      {
        metadata: { name: 'a' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } } },
      },
    ]);
  });

  it('adds a storage request the desired template lacks, and copes with templates without spec or name', () => {
    const desired = sts([{ metadata: { name: 'pgdata' } }, {}]);
    const observed = sts([
      claim('pgdata', '10Gi'),
      { spec: { resources: { requests: { storage: '1Gi' } } } },
    ]);
    expect(templatesOf(keepImmutable(desired, observed))).toEqual([
      { metadata: { name: 'pgdata' }, spec: { resources: { requests: { storage: '10Gi' } } } },
      { spec: { resources: { requests: { storage: '1Gi' } } } },
    ]);
  });

  it.each<[string, KubeObject, KubeObject | undefined]>([
    ['no observed StatefulSet', sts([claim('pgdata', '20Gi')]), undefined],
    [
      'another kind',
      { ...sts([claim('pgdata', '20Gi')]), kind: 'Deployment' },
      sts([claim('pgdata', '1Gi')]),
    ],
    ['no desired templates', sts([]), sts([claim('pgdata', '1Gi')])],
    ['no observed templates', sts([claim('pgdata', '20Gi')]), sts(undefined)],
    [
      'observed templates that are not a list',
      sts([claim('pgdata', '20Gi')]),
      sts({ pgdata: claim('pgdata', '1Gi') }),
    ],
    [
      'an observed object without spec',
      sts([claim('pgdata', '20Gi')]),
      { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db' } },
    ],
  ])('returns the desired object itself with %s', (_what, desired, observed) => {
    expect(keepImmutable(desired, observed)).toBe(desired);
  });
});
