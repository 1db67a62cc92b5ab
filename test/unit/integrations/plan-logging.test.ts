/**
 * The decorators judge a cluster's spec with the same logging default as the sync hook
 * (spec/logging.ts): a new cluster that sets log_destination is invalid for both, and a cluster
 * whose last valid spec has no logging (older than the field) may still set it.
 */
import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../../hooks/lib/k8s.js';
import { decoratorCluster } from '../../../hooks/integrations/plan.js';
import { ANNOTATIONS } from '../../../hooks/postgrescluster/names.js';

const SPEC = { version: '16', storage: { size: '1Gi' }, postgresqlParams: { log_destination: 'csvlog' } };
const cluster: KubeObject = {
  apiVersion: 'pgmeta.io/v1alpha1',
  kind: 'PostgresCluster',
  metadata: { name: 'logs', namespace: 'db', uid: 'u1' },
  spec: SPEC,
};

function request(lastValid?: unknown) {
  const sts: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: {
      name: 'logs',
      namespace: 'db',
      annotations: { [ANNOTATIONS.lastValidSpec]: JSON.stringify(lastValid) },
    },
  };
  const related = lastValid === undefined ? {} : { 'StatefulSet.apps/v1': { 'db/logs': sts } };
  return { controller: {}, object: cluster, attachments: {}, related, finalizing: false } as never;
}

describe('decoratorCluster and spec.logging', () => {
  it('a new cluster setting log_destination is invalid, as for the sync hook', () => {
    expect(decoratorCluster(request())).toBeUndefined();
  });

  it('a cluster older than spec.logging may set it and keeps Spilo files', () => {
    const resolved = decoratorCluster(request(SPEC));
    expect(resolved?.postgresqlParams).toEqual({ log_destination: 'csvlog' });
    expect(resolved?.logging).toBeUndefined();
  });
});
