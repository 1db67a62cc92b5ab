/** Passwords of a cluster created over the orphans of one of the same name (hooks/postgrescluster/orphans.ts). */
import type { KubeObject } from '../../../hooks/lib/k8s';
import type { SyncRequest } from '../../../hooks/metacontroller/types';
import { orphanedSecrets } from '../../../hooks/postgrescluster/orphans';
import { controllerRef } from '../../support/apiserver';

const parent: KubeObject = {
  apiVersion: 'pgmeta.io/v1alpha1',
  kind: 'PostgresCluster',
  metadata: { name: 'db', namespace: 'ns', uid: 'new-uid' },
};
const labels = { 'pgmeta.io/cluster': 'db', 'app.kubernetes.io/managed-by': 'pgmeta' };
const secret = (name: string, meta: Partial<KubeObject['metadata']>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace: 'ns', ...meta },
});
const request = (related: KubeObject[]): SyncRequest => ({
  controller: { apiVersion: 'v1', kind: 'CompositeController', metadata: { name: 'c' } },
  parent,
  children: {},
  related: { 'Secret.v1': Object.fromEntries(related.map((s) => [`ns/${s.metadata.name}`, s])) },
  finalizing: false,
});

describe('orphanedSecrets', () => {
  it('takes the ownerless Secrets labelled for this cluster name, and no other', () => {
    const other = { ...parent, metadata: { ...parent.metadata, name: 'x', uid: 'x-uid' } };
    const found = orphanedSecrets(
      request([
        secret('db-app', { labels }),
        secret('db-superuser', { labels, ownerReferences: [controllerRef(other)] }),
        secret('db-replication', { labels: { 'pgmeta.io/cluster': 'db' } }),
        secret('user-secret', {}),
      ]),
    );
    expect(Object.keys(found)).toEqual(['db-app']);
  });
});
