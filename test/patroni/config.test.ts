/**
 * The rig's Patroni configuration keeps every value pgmeta rendered and adds only the listed
 * loopback and Spilo-template values (no processes: this runs without the Debian packages too).
 */
import { describe, expect, it } from '@jest/globals';
import { deepMerge, patroniConfig, type MemberPlacement } from './config.js';
import { renderedChildren } from './rendered.js';
import { rigSource } from './source.js';

const placement: MemberPlacement = {
  name: 'rig-1',
  dir: '/tmp/rig/rig-1',
  dataDir: '/tmp/rig/rig-1/data',
  pgPort: 6001,
  apiPort: 7001,
  etcd: '127.0.0.1:2379',
};

/** Every leaf of a JSON document as [dotted path, value]; lists are leaves (Spilo replaces them). */
function leaves(doc: unknown, prefix = ''): [string, unknown][] {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return [[prefix, doc]];
  return Object.entries(doc).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k));
}

describe('patroniConfig', () => {
  const source = rigSource(renderedChildren());
  const config = patroniConfig(source, placement);
  const configLeaves = new Map(leaves(config));

  it('keeps every value of the rendered SPILO_CONFIGURATION', () => {
    const rendered = leaves(source.spilo);
    expect(rendered.length).toBeGreaterThan(10);
    for (const [path, value] of rendered) expect([path, configLeaves.get(path)]).toEqual([path, value]);
  });

  it('adds only the loopback placement and what Spilo templates from the env', () => {
    const renderedPaths = new Set(leaves(source.spilo).map(([p]) => p));
    const added = [...configLeaves.keys()].filter((p) => !renderedPaths.has(p)).sort();
    expect(added).toEqual([
      'bootstrap.dcs.postgresql.parameters.wal_log_hints',
      'etcd3.hosts',
      'name',
      'postgresql.authentication.replication.password',
      'postgresql.authentication.replication.username',
      'postgresql.authentication.superuser.password',
      'postgresql.authentication.superuser.username',
      'postgresql.bin_dir',
      'postgresql.connect_address',
      'postgresql.data_dir',
      'postgresql.listen',
      'postgresql.parameters.unix_socket_directories',
      'postgresql.pgpass',
      'postgresql.use_unix_socket',
      'postgresql.use_unix_socket_repl',
      'restapi.connect_address',
      'restapi.listen',
      'scope',
    ]);
    expect(config['etcd3']).toEqual({ hosts: ['127.0.0.1:2379'] });
    expect(configLeaves.get('postgresql.listen')).toBe('127.0.0.1:6001');
    expect(configLeaves.get('scope')).toBe('rig');
  });

  it('takes the credentials from the rendered Secrets through the env secretKeyRefs', () => {
    expect(source.superuser.username).toBe('postgres');
    expect(source.replication.username).toBe('standby');
    expect(source.superuser.password).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(source.replication.password).not.toBe(source.superuser.password);
  });

  it('gives Patroni the REST API credentials of the rendered Secret, expanded as the kubelet does', () => {
    expect(source.restApi.username).toBe('pgmeta');
    expect(source.restApi.password).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(config['restapi']).toMatchObject({ authentication: source.restApi });
  });
});

describe('deepMerge', () => {
  it('merges objects, and the second argument wins for scalars and lists', () => {
    expect(deepMerge({ a: { b: 1, c: [1, 2] }, d: 1 }, { a: { c: [3] }, e: 2 })).toEqual({
      a: { b: 1, c: [3] },
      d: 1,
      e: 2,
    });
  });
});
