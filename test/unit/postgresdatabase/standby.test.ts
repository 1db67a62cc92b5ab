/** A PostgresDatabase waits while its cluster is a standby: read-only, its roles are its source's. */
import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../../hooks/lib/k8s';
import { observeCluster } from '../../../hooks/postgresdatabase/cluster';
import { cluster, NAMESPACE, superuserSecret } from '../../golden/postgresdatabase/requests';

const CREDENTIALS = {
  superuserSecret: { name: 'src-superuser' },
  replicationSecret: { name: 'src-replication' },
  appSecret: { name: 'src-app' },
};

function related(c: KubeObject) {
  return {
    'PostgresCluster.pgmeta.io/v1alpha1': { [`${NAMESPACE}/${c.metadata.name}`]: c },
    'Secret.v1': { [`${NAMESPACE}/dev-superuser`]: superuserSecret() },
  };
}

const view = (c: KubeObject) => observeCluster(related(c), { clusterName: 'dev', namespace: NAMESPACE });

describe('a PostgresDatabase on a standby cluster', () => {
  it('is applied on a Ready primary cluster', () => {
    expect(view(cluster(true)).ready).toBe(true);
  });

  it('waits while the cluster spec has standby', () => {
    const c = cluster(true);
    const standby = {
      ...c,
      spec: { ...(c['spec'] as object), standby: { host: 'src.example', credentials: CREDENTIALS } },
    };
    expect(view(standby)).toMatchObject({
      ready: false,
      reason: 'ClusterNotReady',
      message: expect.stringContaining('standby'),
    });
  });

  it('waits while a promotion is under way (the Standby condition is still there)', () => {
    const c = cluster(true);
    const status = c['status'] as { conditions: object[] };
    const promoting = {
      ...c,
      status: {
        ...status,
        conditions: [...status.conditions, { type: 'Standby', status: 'False', reason: 'Promoting' }],
      },
    };
    expect(view(promoting)).toMatchObject({ ready: false, reason: 'ClusterNotReady' });
  });
});
