import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../../../hooks/lib/k8s.js';
import { holdPsqlJobs } from '../../../../hooks/postgrescluster/children/psql-wait.js';

const obj = (kind: string, name: string): KubeObject => ({ apiVersion: 'v1', kind, metadata: { name } });
const config = (initialize?: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Endpoints',
  metadata: { name: 'orders-config', ...(initialize === undefined ? {} : { annotations: { initialize } }) },
});
const children = [
  obj('StatefulSet', 'orders'),
  obj('Job', 'orders-bootstrap-1'),
  obj('Job', 'orders-pooler-2'),
];
const names = (list: KubeObject[]) => list.map((c) => `${c.kind}/${c.metadata.name}`);

describe('holdPsqlJobs', () => {
  it.each([
    ['no config Endpoints yet', undefined],
    ['the bootstrap race won, bootstrap running (initialize empty)', config('')],
    ['no initialize key', config()],
  ])('holds every psql Job with %s', (_what, configEndpoints) => {
    expect(names(holdPsqlJobs(children, { jobs: [], configEndpoints }))).toEqual(['StatefulSet/orders']);
  });

  it('renders them once the system identifier is in initialize', () => {
    const out = holdPsqlJobs(children, { jobs: [], configEndpoints: config('7437218811431043104') });
    expect(names(out)).toEqual(names(children));
  });

  it('keeps a Job already observed, whatever the observation says', () => {
    const out = holdPsqlJobs(children, {
      jobs: [obj('Job', 'orders-bootstrap-1')],
      configEndpoints: config(''),
    });
    expect(names(out)).toEqual(['StatefulSet/orders', 'Job/orders-bootstrap-1']);
  });

  it("holds a held Job's verifier Secret with it, and no other Secret", () => {
    const withSecrets = [...children, obj('Secret', 'orders-bootstrap-1'), obj('Secret', 'orders-app')];
    const out = holdPsqlJobs(withSecrets, {
      jobs: [obj('Job', 'orders-bootstrap-1')],
      configEndpoints: config(''),
    });
    expect(names(out)).toEqual([
      'StatefulSet/orders',
      'Job/orders-bootstrap-1',
      'Secret/orders-bootstrap-1',
      'Secret/orders-app',
    ]);
    expect(names(holdPsqlJobs(withSecrets, { jobs: [], configEndpoints: config('') }))).toEqual([
      'StatefulSet/orders',
      'Secret/orders-app',
    ]);
  });
});
