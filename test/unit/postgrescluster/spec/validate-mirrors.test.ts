/**
 * Each CEL mirror (hooks/postgrescluster/spec/validate.ts MIRRORS) called on its own, at its boundary
 * and with values of the wrong type, which a mirror must pass (the schema reports them, as the API
 * server does). validate.test.ts runs the same rules through checkSpec, where the schema refuses most
 * wrong types before a mirror sees them.
 */
import { describe, expect, it } from '@jest/globals';
import { celErrors, MIRRORS, runRules } from '../../../../hooks/postgrescluster/spec/validate.js';

const NAME = 'size(self.metadata.name) <= 40';
const DNS = "self.metadata.name.matches('^[a-z]([-a-z0-9]*[a-z0-9])?$')";
const SUFFIX = "!self.metadata.name.matches('-(ro|members|config|sync|failover|leader|pooler)$')";
const SYNC =
  "!has(self.synchronous) || self.synchronous.mode == 'async' || self.synchronous.nodeCount < self.replicas";
const RESTORE =
  '!has(self.restore) || !has(self.restore.source.version) || int(self.restore.source.version) <= int(self.version)';
const DOWNGRADE = 'int(self) >= int(oldSelf)';
const POSITIVE = '!isQuantity(self) || quantity(self).sign() > 0';
const SHRINK =
  '!isQuantity(self) || !isQuantity(oldSelf) || quantity(self).compareTo(quantity(oldSelf)) >= 0';
const RESOURCES = "self.all(k, k in ['cpu', 'memory', 'ephemeral-storage'] || k.startsWith('hugepages-'))";
const NON_NEGATIVE = 'type(self) == int ? self >= 0 : !isQuantity(self) || quantity(self).sign() >= 0';
const NO_BREAK = "!self.contains('\\n') && !self.contains('\\r')";
const HBA = "self.matches('^[ \\\\t]*(local|host|hostssl|hostnossl|hostgssenc|hostnogssenc)[ \\\\t]')";
const DATABASE = "!(self in ['postgres', 'template0', 'template1'])";
const ROLE =
  "!(self in ['postgres', 'standby', 'admin', 'cron_admin', 'robot_zmon', 'zalandos', 'public', 'none']) && !self.startsWith('pg_')";
const ISSUER = '!has(self.issuerRef) || !has(self.enabled) || self.enabled';
const PEER = 'has(self.namespaceSelector) || has(self.podSelector)';
const MINMAX = '!has(self.minReplicas) || !has(self.maxReplicas) || self.minReplicas <= self.maxReplicas';
const SCALING =
  '!has(self.scaling) || !has(self.scaling.connectionsPerReplica) || (has(self.metrics) && has(self.metrics.enabled) && self.metrics.enabled)';
const LIMITS =
  '!has(self.limits) || !has(self.requests) || self.requests.all(k, !(k in self.limits) || !isQuantity(string(self.requests[k])) || !isQuantity(string(self.limits[k])) || quantity(string(self.limits[k])).compareTo(quantity(string(self.requests[k]))) >= 0)';

const GENERATION = 'self >= oldSelf';

const named = (name: unknown) => ({ metadata: { name } });

describe('each CEL mirror alone', () => {
  it.each<[string, string, unknown, unknown, boolean | string]>([
    ['name of 40', NAME, named('a'.repeat(40)), undefined, true],
    ['name of 41', NAME, named('a'.repeat(41)), undefined, false],
    ['name of 40 code points', NAME, named('é'.repeat(40)), undefined, true],
    ['name not a string', NAME, named(5), undefined, true],
    ['DNS name', DNS, named('pg-1'), undefined, true],
    ['DNS name ending in a dash', DNS, named('pg-'), undefined, false],
    ['DNS name with a tail after it', DNS, named('pg\n'), undefined, false],
    ['DNS name of one letter', DNS, named('a'), undefined, true],
    ['DNS name not a string', DNS, named(['x']), undefined, true],
    ['DNS name a number', DNS, named(5), undefined, true],
    ['reserved suffix', SUFFIX, named('db-ro'), undefined, false],
    ['suffix inside the name', SUFFIX, named('db-ro-x'), undefined, true],
    ['suffix name not a string', SUFFIX, named(1), undefined, true],
    ['suffix name a list whose text has the suffix', SUFFIX, named(['db-ro']), undefined, true],
    [
      'sync count below replicas',
      SYNC,
      { replicas: 3, synchronous: { mode: 'on', nodeCount: 2 } },
      undefined,
      true,
    ],
    [
      'sync count at replicas',
      SYNC,
      { replicas: 3, synchronous: { mode: 'on', nodeCount: 3 } },
      undefined,
      false,
    ],
    ['sync async', SYNC, { replicas: 1, synchronous: { mode: 'async', nodeCount: 3 } }, undefined, true],
    [
      'sync count not a number',
      SYNC,
      { replicas: 1, synchronous: { mode: 'on', nodeCount: '3' } },
      undefined,
      true,
    ],
    [
      'sync replicas not a number',
      SYNC,
      { replicas: '1', synchronous: { mode: 'on', nodeCount: 3 } },
      undefined,
      true,
    ],
    [
      'restore from the same major',
      RESTORE,
      { version: '16', restore: { source: { version: '16' } } },
      undefined,
      true,
    ],
    [
      'restore from a newer major',
      RESTORE,
      { version: '16', restore: { source: { version: '17' } } },
      undefined,
      false,
    ],
    [
      'restore version a number',
      RESTORE,
      { version: '16', restore: { source: { version: 17 } } },
      undefined,
      true,
    ],
    [
      'restore to a version that is a number',
      RESTORE,
      { version: 16, restore: { source: { version: '17' } } },
      undefined,
      true,
    ],
    ['same major', DOWNGRADE, '16', '16', true],
    ['downgrade', DOWNGRADE, '15', '16', 'cannot downgrade from 16 to 15'],
    ['major not a string', DOWNGRADE, 15, '16', true],
    ['old major not a string', DOWNGRADE, '15', 16, true],
    ['positive size', POSITIVE, '1Gi', undefined, true],
    ['zero size', POSITIVE, '0', undefined, false],
    ['size a number', POSITIVE, 0, undefined, true],
    ['same size', SHRINK, '10Gi', '10Gi', true],
    ['shrink', SHRINK, '9Gi', '10Gi', 'cannot shrink storage from 10Gi to 9Gi'],
    ['shrink from an unparsable size', SHRINK, '9Gi', 'x', true],
    ['shrink to an unparsable size', SHRINK, 'x', '10Gi', true],
    ['resource names', RESOURCES, { cpu: '1', 'hugepages-2Mi': '1' }, undefined, true],
    ['an unknown resource among known ones', RESOURCES, { cpu: '1', gpu: '1' }, undefined, false],
    ['a non-negative zero', NON_NEGATIVE, '0', undefined, true],
    ['a negative quantity', NON_NEGATIVE, '-1', undefined, false],
    ['a negative integer', NON_NEGATIVE, -1, undefined, false],
    ['a line break', NO_BREAK, 'a\nb', undefined, false],
    ['a carriage return', NO_BREAK, 'a\rb', undefined, false],
    ['no break, not a string', NO_BREAK, 5, undefined, true],
    ['no break, a list whose text has one', NO_BREAK, ['a\nb'], undefined, true],
    ['an hba type', HBA, ' host all', undefined, true],
    ['no hba type', HBA, 'hosts all', undefined, false],
    ['hba not a string', HBA, 5, undefined, true],
    ['a reserved database', DATABASE, 'template1', undefined, false],
    ['a database', DATABASE, 'app', undefined, true],
    ['a database not a string', DATABASE, 5, undefined, true],
    ['a database a list whose text is reserved', DATABASE, ['postgres'], undefined, true],
    ['a generation kept', GENERATION, 2, 2, true],
    ['a generation raised', GENERATION, 3, 2, true],
    ['a generation lowered', GENERATION, 1, 2, false],
    ['a generation not a number', GENERATION, '1', 2, true],
    ['an old generation not a number', GENERATION, 1, '2', true],
    ['a reserved role', ROLE, 'admin', undefined, false],
    ['a pg_ role', ROLE, 'pg_x', undefined, false],
    ['a role ending in pg_', ROLE, 'app_pg_', undefined, true],
    ['a role', ROLE, 'app', undefined, true],
    ['a role not a string', ROLE, 5, undefined, true],
    ['issuer with TLS off', ISSUER, { issuerRef: { name: 'i' }, enabled: false }, undefined, false],
    ['issuer with TLS on', ISSUER, { issuerRef: { name: 'i' }, enabled: true }, undefined, true],
    ['issuer without enabled', ISSUER, { issuerRef: { name: 'i' } }, undefined, true],
    ['TLS off without issuer', ISSUER, { enabled: false }, undefined, true],
    ['peer with a namespace selector', PEER, { namespaceSelector: {} }, undefined, true],
    ['peer with a pod selector', PEER, { podSelector: {} }, undefined, true],
    ['peer with neither', PEER, { ports: [] }, undefined, false],
    ['peer not an object', PEER, 'x', undefined, true],
    ['min at max', MINMAX, { minReplicas: 3, maxReplicas: 3 }, undefined, true],
    ['min above max', MINMAX, { minReplicas: 4, maxReplicas: 3 }, undefined, false],
    ['min not a number', MINMAX, { minReplicas: '4', maxReplicas: 3 }, undefined, true],
    ['max not a number', MINMAX, { minReplicas: 4, maxReplicas: '3' }, undefined, true],
    ['min/max not an object', MINMAX, 'x', undefined, true],
    [
      'scaling with metrics',
      SCALING,
      { scaling: { connectionsPerReplica: 5 }, metrics: { enabled: true } },
      undefined,
      true,
    ],
    [
      'scaling with metrics off',
      SCALING,
      { scaling: { connectionsPerReplica: 5 }, metrics: { enabled: false } },
      undefined,
      false,
    ],
    ['scaling without metrics', SCALING, { scaling: { connectionsPerReplica: 5 } }, undefined, false],
    ['scaling without connectionsPerReplica', SCALING, { scaling: {}, metrics: {} }, undefined, true],
    [
      'limits equal to requests',
      LIMITS,
      { limits: { cpu: '1' }, requests: { cpu: '1000m' } },
      undefined,
      true,
    ],
    ['limits below requests', LIMITS, { limits: { cpu: '1' }, requests: { cpu: '2' } }, undefined, false],
    ['a number request', LIMITS, { limits: { cpu: 1 }, requests: { cpu: 2 } }, undefined, false],
    ['a request not a quantity', LIMITS, { limits: { cpu: '1' }, requests: { cpu: 'x' } }, undefined, true],
    ['a request of a list', LIMITS, { limits: { cpu: '1' }, requests: { cpu: ['2'] } }, undefined, true],
    [
      'a request without its limit',
      LIMITS,
      { limits: { memory: '1Gi' }, requests: { cpu: '2' } },
      undefined,
      true,
    ],
  ])('%s', (_what, rule, self, oldSelf, verdict) => {
    expect(MIRRORS[rule]!(self, oldSelf)).toBe(verdict);
  });
});

describe('runRules and celErrors around the mirrors', () => {
  it('names the rule when it fails without a message of its own', () => {
    expect(runRules([{ rule: 'self == oldSelf' }], { path: 'spec.x', self: 1, oldSelf: 2 })).toEqual([
      { path: 'spec.x', message: 'fails self == oldSelf' },
    ]);
  });

  it('walks past fields the schema does not know and values of the wrong shape, leaving them to the schema', () => {
    const spec = { version: '16', unknownField: { x: 1 }, resources: ['x'], storage: 'big' };
    expect(celErrors({ parent: named('pg'), spec, previous: undefined })).toEqual([]);
  });
});
