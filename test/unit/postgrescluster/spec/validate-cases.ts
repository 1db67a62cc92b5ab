/**
 * One failing case per CEL rule of the PostgresCluster CRD outside spec.backup and spec.restore (those
 * are in ../backup/cel-cases.ts and joined here), with the field path and message the API server would
 * report. validate.test.ts runs them and checks that every mirrored rule has one.
 */
import { expect } from '@jest/globals';
import { BACKUP_FAILING, type CelCase } from '../backup/cel-cases.js';
import { STANDBY_FAILING } from '../standby/cel-cases.js';

/** The smallest valid spec, which each case breaks in one place. */
export const BASE = { version: '16', storage: { size: '10Gi' } };

const HBA_NEWLINE = "!self.contains('\\n') && !self.contains('\\r')";
const HBA_TYPE = "self.matches('^[ \\\\t]*(local|host|hostssl|hostnossl|hostgssenc|hostnogssenc)[ \\\\t]')";
const LIMITS =
  '!has(self.limits) || !has(self.requests) || self.requests.all(k, !(k in self.limits) || !isQuantity(string(self.requests[k])) || !isQuantity(string(self.limits[k])) || quantity(string(self.limits[k])).compareTo(quantity(string(self.requests[k]))) >= 0)';

/** One failing case per CEL rule: the error path and message the API server would report. */
export const FAILING: CelCase[] = [
  // spec.backup and spec.restore
  ...BACKUP_FAILING,
  // spec.standby
  ...STANDBY_FAILING,
  {
    rule: '!has(self.restore) || !has(self.restore.source.version) || int(self.restore.source.version) <= int(self.version)',
    what: 'a restore from a newer major (pg_upgrade cannot downgrade)',
    spec: {
      ...BASE,
      restore: {
        source: {
          s3: { bucket: 'pg-backups', endpoint: 'http://minio:9000', credentialsSecret: { name: 'minio' } },
          path: 'shop/orders/u0',
          version: '17',
        },
        target: { latest: true },
      },
    },
    error: {
      path: 'spec.restore.source.version',
      message: 'restore.source.version must not be newer than version (the restore can only upgrade)',
    },
  },
  {
    rule: 'size(self.metadata.name) <= 40',
    what: 'a 41-character name',
    spec: BASE,
    name: 'a'.repeat(41),
    error: {
      path: 'metadata.name',
      message: expect.stringContaining('at most 40 characters') as unknown as string,
    },
  },
  {
    rule: "self.metadata.name.matches('^[a-z]([-a-z0-9]*[a-z0-9])?$')",
    what: 'a name with upper case',
    spec: BASE,
    name: 'Demo',
    error: { path: 'metadata.name', message: expect.stringContaining('DNS-1035 label') as unknown as string },
  },
  {
    rule: "!self.metadata.name.matches('-(ro|members|config|sync|failover|leader|pooler)$')",
    what: "a name that is another cluster's replicas Service",
    spec: BASE,
    name: 'orders-ro',
    error: {
      path: 'metadata.name',
      message: expect.stringContaining('must not end in -ro') as unknown as string,
    },
  },
  {
    rule: "!self.metadata.name.matches('-(ro|members|config|sync|failover|leader|pooler)$')",
    what: "a name that is another cluster's pooler Service",
    spec: BASE,
    name: 'orders-pooler',
    error: {
      path: 'metadata.name',
      message: expect.stringContaining('-pooler') as unknown as string,
    },
  },
  {
    rule: "!has(self.synchronous) || self.synchronous.mode == 'async' || self.synchronous.nodeCount < self.replicas",
    what: 'as many synchronous replicas as members',
    spec: { ...BASE, replicas: 2, synchronous: { mode: 'sync', nodeCount: 2 } },
    error: {
      path: 'spec.synchronous.nodeCount',
      message: 'synchronous.nodeCount must be less than replicas when synchronous mode is sync or strict',
    },
  },
  {
    rule: 'int(self) >= int(oldSelf)',
    what: 'a major downgrade',
    spec: { ...BASE, version: '15' },
    previous: BASE,
    error: { path: 'spec.version', message: 'cannot downgrade from 16 to 15' },
  },
  {
    rule: 'self >= oldSelf',
    what: 'a lower rotation generation',
    spec: { ...BASE, credentialRotation: { replication: 1 } },
    previous: { ...BASE, credentialRotation: { replication: 2 } },
    error: {
      path: 'spec.credentialRotation.replication',
      message: 'a rotation generation can only grow (a lower one would bring back an earlier password)',
    },
  },
  {
    rule: 'has(self.storageClass) == has(oldSelf.storageClass) && (!has(self.storageClass) || self.storageClass == oldSelf.storageClass)',
    what: 'a StorageClass change',
    spec: { ...BASE, storage: { size: '10Gi', storageClass: 'slow' } },
    previous: { ...BASE, storage: { size: '10Gi', storageClass: 'fast' } },
    error: {
      path: 'spec.storage.storageClass',
      message: 'storageClass cannot be set, changed or removed after creation',
    },
  },
  // Each half of the rule alone (mutation testing: only a change was tried).
  ...[
    { what: 'a StorageClass set after creation', from: undefined, to: 'fast' },
    { what: 'a StorageClass removed after creation', from: 'fast', to: undefined },
  ].map(({ what, from, to }) => ({
    rule: 'has(self.storageClass) == has(oldSelf.storageClass) && (!has(self.storageClass) || self.storageClass == oldSelf.storageClass)',
    what,
    spec: { ...BASE, storage: { size: '10Gi', ...(to === undefined ? {} : { storageClass: to }) } },
    previous: { ...BASE, storage: { size: '10Gi', ...(from === undefined ? {} : { storageClass: from }) } },
    error: {
      path: 'spec.storage.storageClass',
      message: 'storageClass cannot be set, changed or removed after creation',
    },
  })),
  {
    rule: 'isQuantity(self)',
    what: 'a size that is not a quantity',
    spec: { ...BASE, storage: { size: '10GB' } },
    error: { path: 'spec.storage.size', message: 'must be a quantity such as 10Gi or 500Mi' },
  },
  {
    rule: '!isQuantity(self) || quantity(self).sign() > 0',
    what: 'a zero size',
    spec: { ...BASE, storage: { size: '0' } },
    error: { path: 'spec.storage.size', message: 'must be greater than zero' },
  },
  {
    rule: '!isQuantity(self) || !isQuantity(oldSelf) || quantity(self).compareTo(quantity(oldSelf)) >= 0',
    what: 'a smaller volume',
    spec: { ...BASE, storage: { size: '9Gi' } },
    previous: BASE,
    error: { path: 'spec.storage.size', message: 'cannot shrink storage from 10Gi to 9Gi' },
  },
  {
    rule: LIMITS,
    what: 'a request above its limit',
    spec: {
      ...BASE,
      resources: { requests: { cpu: 2, memory: '1Gi' }, limits: { cpu: '1500m', memory: '2Gi' } },
    },
    error: {
      path: 'spec.resources.requests',
      message: 'a request must not exceed the limit of the same resource',
    },
  },
  {
    rule: "self.all(k, k in ['cpu', 'memory', 'ephemeral-storage'] || k.startsWith('hugepages-'))",
    what: 'a misspelt resource',
    spec: { ...BASE, resources: { limits: { memroy: '1Gi' } } },
    error: {
      path: 'spec.resources.limits',
      message: 'resource names must be cpu, memory, ephemeral-storage or hugepages-<size>',
    },
  },
  {
    rule: 'type(self) == int || isQuantity(self)',
    what: 'a resource that is not a quantity',
    spec: { ...BASE, resources: { requests: { cpu: 'two' } } },
    error: { path: 'spec.resources.requests.cpu', message: 'must be a quantity such as 500m or 2Gi' },
  },
  {
    rule: 'type(self) == int ? self >= 0 : !isQuantity(self) || quantity(self).sign() >= 0',
    what: 'a negative resource',
    spec: { ...BASE, resources: { requests: { memory: '-1Gi' } } },
    error: { path: 'spec.resources.requests.memory', message: 'must not be negative' },
  },
  {
    rule: HBA_NEWLINE,
    what: 'two pg_hba rules in one item',
    spec: { ...BASE, pgHba: ['host all all 10.0.0.0/8 scram-sha-256\nhost all all 0.0.0.0/0 trust'] },
    error: { path: 'spec.pgHba[0]', message: 'must be a single line' },
  },
  {
    rule: HBA_TYPE,
    what: 'a pg_hba line without a connection type',
    spec: { ...BASE, pgHba: ['local all all trust', 'all all 0.0.0.0/0 trust'] },
    error: {
      path: 'spec.pgHba[1]',
      message:
        'must start with a connection type (local, host, hostssl, hostnossl, hostgssenc or hostnogssenc)',
    },
  },
  {
    rule: 'self == oldSelf',
    what: 'a new application database after creation',
    spec: { ...BASE, bootstrap: { database: 'shop' } },
    previous: BASE,
    error: { path: 'spec.bootstrap', message: 'bootstrap cannot change after creation' },
  },
  {
    rule: 'self == oldSelf',
    what: 'a cluster moved to OpenShift after creation',
    spec: { ...BASE, platform: 'openshift' },
    previous: BASE,
    error: {
      path: 'spec.platform',
      message:
        'platform cannot change after the cluster is created (the data directory belongs to the user its pods ran as)',
    },
  },
  {
    rule: '!has(oldSelf.dcs) || (has(self.dcs) && self.dcs == oldSelf.dcs)',
    what: 'ConfigMaps asked of a cluster created before the field, which runs on Endpoints',
    spec: { ...BASE, patroni: { dcs: 'configmaps' } },
    previous: BASE,
    error: {
      path: 'spec.patroni.dcs',
      message:
        'patroni.dcs cannot change after the cluster is created (docs/patroni-dcs.md says how to move a cluster)',
    },
  },
  {
    rule: '!has(oldSelf.dcs) || (has(self.dcs) && self.dcs == oldSelf.dcs)',
    what: 'Endpoints asked of an OpenShift cluster created with the ConfigMaps default',
    spec: { ...BASE, platform: 'openshift', patroni: { dcs: 'endpoints' } },
    previous: { ...BASE, platform: 'openshift', patroni: { dcs: 'configmaps' } },
    error: {
      path: 'spec.patroni.dcs',
      message:
        'patroni.dcs cannot change after the cluster is created (docs/patroni-dcs.md says how to move a cluster)',
    },
  },
  {
    rule: "!(self in ['postgres', 'template0', 'template1'])",
    what: 'the postgres database as the application database',
    spec: { ...BASE, bootstrap: { database: 'postgres' } },
    error: {
      path: 'spec.bootstrap.database',
      message: 'must not be a database PostgreSQL creates itself (postgres, template0, template1)',
    },
  },
  {
    rule: "!(self in ['postgres', 'standby', 'admin', 'cron_admin', 'robot_zmon', 'zalandos', 'public', 'none']) && !self.startsWith('pg_')",
    what: 'the replication user as the owner',
    spec: { ...BASE, bootstrap: { owner: 'standby' } },
    error: {
      path: 'spec.bootstrap.owner',
      message: expect.stringContaining('must not be a role') as unknown as string,
    },
  },
  {
    rule: '!has(self.issuerRef) || !has(self.enabled) || self.enabled',
    what: 'a cert-manager issuer with TLS disabled',
    spec: { ...BASE, tls: { enabled: false, issuerRef: { name: 'ca' } } },
    error: { path: 'spec.tls.issuerRef', message: 'issuerRef needs TLS enabled' },
  },
  {
    rule: 'has(self.namespaceSelector) || has(self.podSelector)',
    what: 'a network policy peer that selects nothing',
    spec: { ...BASE, networkPolicy: { enabled: true, allowFrom: [{}] } },
    error: {
      path: 'spec.networkPolicy.allowFrom[0]',
      message: 'a peer needs namespaceSelector, podSelector or both',
    },
  },
  {
    rule: '!has(self.minReplicas) || !has(self.maxReplicas) || self.minReplicas <= self.maxReplicas',
    what: 'autoscaling with more members at least than at most',
    spec: { ...BASE, scaling: { enabled: true, minReplicas: 5, maxReplicas: 3 } },
    error: { path: 'spec.scaling.minReplicas', message: 'minReplicas must not exceed maxReplicas' },
  },
  {
    rule: '!has(self.scaling) || !has(self.scaling.connectionsPerReplica) || (has(self.metrics) && has(self.metrics.enabled) && self.metrics.enabled)',
    what: 'scaling on connections without metrics',
    spec: { ...BASE, scaling: { enabled: true, connectionsPerReplica: 100 } },
    error: {
      path: 'spec.scaling.connectionsPerReplica',
      message: 'scaling.connectionsPerReplica needs metrics.enabled (it logs in as the monitoring role)',
    },
  },
  {
    rule: "!has(self.externalTrafficPolicy) || self.type != 'ClusterIP'",
    what: 'externalTrafficPolicy on a ClusterIP Service',
    spec: { ...BASE, service: { externalTrafficPolicy: 'Local' } },
    error: {
      path: 'spec.service.externalTrafficPolicy',
      message: 'externalTrafficPolicy requires type NodePort or LoadBalancer',
    },
  },
  {
    rule: "!has(self.loadBalancerSourceRanges) || size(self.loadBalancerSourceRanges) == 0 || self.type == 'LoadBalancer'",
    what: 'source ranges on a NodePort Service',
    spec: { ...BASE, service: { type: 'NodePort', loadBalancerSourceRanges: ['10.0.0.0/8'] } },
    error: {
      path: 'spec.service.loadBalancerSourceRanges',
      message: 'loadBalancerSourceRanges requires type LoadBalancer',
    },
  },
];
