/**
 * One failing case per CEL rule of spec.standby, with the field path and message the API server would
 * report; joined into ../spec/validate-cases.ts.
 */
import type { CelCase } from '../backup/cel-cases.js';

const BASE = { version: '16', storage: { size: '10Gi' } };
const CREDENTIALS = {
  superuserSecret: { name: 'orders-source-superuser' },
  replicationSecret: { name: 'orders-source-replication' },
  appSecret: { name: 'orders-source-app' },
};

export const STANDBY_FAILING: CelCase[] = [
  {
    rule: 'has(self.host) || has(self.archive)',
    what: 'a standby with no source',
    spec: { ...BASE, standby: { credentials: CREDENTIALS } },
    error: {
      path: 'spec.standby',
      message: "set host (streaming from the source), archive (the source's WAL archive) or both",
    },
  },
  {
    rule: '!has(self.standby) || !has(self.restore)',
    what: 'a standby that also restores (Spilo reads STANDBY_* only when it does not clone)',
    spec: {
      ...BASE,
      standby: { host: 'orders.shop.svc', credentials: CREDENTIALS },
      restore: {
        source: {
          s3: { bucket: 'pg-backups', endpoint: 'http://minio:9000', credentialsSecret: { name: 'minio' } },
          path: 'shop/orders/u0',
        },
        target: { latest: true },
      },
    },
    error: {
      path: 'spec.standby',
      message:
        'standby and restore cannot be combined (Spilo reads the standby settings only when it does not clone)',
    },
  },
  {
    rule: '!has(self.standby) || has(oldSelf.standby)',
    what: 'a running primary turned into a standby',
    spec: { ...BASE, standby: { host: 'orders.shop.svc', credentials: CREDENTIALS } },
    previous: BASE,
    error: {
      path: 'spec.standby',
      message:
        'standby can be set only when the cluster is created: a cluster that ran as a primary has diverged from the new source; create it again over empty volumes to follow another cluster',
    },
  },
];
